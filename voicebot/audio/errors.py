"""Errors of voicebot.audio.

ValueError
 └── AudioFileError   a WAV file is missing, not a WAV, empty or in a format we cannot read
"""

from __future__ import annotations


class AudioFileError(ValueError):
    """A WAV file cannot be used; the message names the path and the reason on one line."""
