"""Errors of voicebot.tts.

Exception
 └── TtsError              synthesis failed for this text (the engine raised); not retryable as is
"""

from __future__ import annotations


class TtsError(Exception):
    """The engine could not synthesize the text; the message quotes the start of the text."""
