"""Errors of voicebot.asr.

Exception
 ├── ValueError
 │    └── AudioInputError     audio handed to a recognizer is not 1-D int16 (a caller bug, not retryable)
 └── AsrError                 a transcription did not happen
      └── PartialDropped      a queued partial decode was dropped because newer partials and finals
                              were waiting (AsrPool's overflow policy); retry with newer audio or ignore
"""

from __future__ import annotations


class AudioInputError(ValueError):
    """The audio is not what recognizers take: 16 kHz mono int16 as a 1-D numpy array."""


class AsrError(Exception):
    """A transcription did not happen."""


class PartialDropped(AsrError):
    """A partial decode waited in AsrPool's queue too long and was dropped unprocessed."""
