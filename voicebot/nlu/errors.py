"""Errors raised by voicebot.nlu.

NluError                      base of everything below
├── NluDataError              bad training data: a Rasa nlu.yml/domain.yml, a FAQ file, a regex;
│                             names the file and line where known
└── NluServiceError           a remote NLU (a Rasa server) failed; `retryable` says whether
                              trying again later may help (refused, timeout, 5xx) or not
                              (4xx, a reply that is not the /model/parse JSON shape)
"""

from __future__ import annotations

from pathlib import Path


class NluError(Exception):
    """Base class of all NLU errors."""


class NluDataError(NluError, ValueError):
    """Training data that cannot be used, with the file and line it came from where known."""

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None):
        self.path = str(path) if path is not None else None
        self.line = line
        where = ""
        if self.path is not None:
            where = f"{self.path}:{line}: " if line is not None else f"{self.path}: "
        super().__init__(f"{where}{message}")


class NluServiceError(NluError):
    """A remote NLU service did not give a usable answer."""

    def __init__(self, message: str, *, retryable: bool):
        self.retryable = retryable
        super().__init__(message)
