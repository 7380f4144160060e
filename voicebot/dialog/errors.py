"""Errors of the dialog package.

    DialogError            a dialog file is broken; `.messages` are the checker's lines
    WebhookError           a webhook failed (timeout, refused, HTTP error, garbage answer)
    RasaActionError        a Rasa action server failed or answered garbage
    ConditionError         a condition expression is not valid
    TemplateError          a prompt template is not valid

Run-time errors (webhook, Rasa, an exception inside an action) never reach the caller as
silence: the session catches them and takes the fallback path with a spoken apology.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One checker finding, printed as `file:line:col: severity: message (hint: ...)`."""

    file: str
    line: int  # 1-based
    column: int  # 1-based
    message: str
    hint: str = ""
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class DialogError(Exception):
    """A dialog that must not run. `.messages` holds one checker line per problem."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = list(messages)
        super().__init__("dialog has errors:\n" + "\n".join(self.messages))


class WebhookError(Exception):
    """A webhook call failed after its retries."""


class RasaActionError(Exception):
    """A Rasa action server could not be reached or gave an answer we cannot use."""


class ConditionError(ValueError):
    """A condition expression uses syntax we do not allow."""


class TemplateError(ValueError):
    """A template is malformed (unclosed braces, unknown filter)."""
