"""Errors of voicebot.models.

Exception
 └── ModelError                 a model cannot be used; never retryable without a change on the machine
      ├── ModelNotFoundError    (also a FileNotFoundError) the model is not installed or the path is wrong;
      │                         the message names the pip package to install or the path that was expected
      └── ModelLoadError        the files are there but the engine refused them (corrupt, wrong format)
"""

from __future__ import annotations


class ModelError(Exception):
    """A model cannot be used; the message says which model and why, on one line."""


class ModelNotFoundError(ModelError, FileNotFoundError):
    """The model is not installed: install the named pip package or fix the named path."""


class ModelLoadError(ModelError):
    """The model files exist but the engine could not load them."""
