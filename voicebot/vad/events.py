"""What the endpointer reports: small frozen messages, matched on by the conversation engine."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, slots=True)
class SpeechStarted:
    """Speech confirmed; `timestamp` is the onset of its first voiced frame."""

    timestamp: float


@dataclass(frozen=True, slots=True)
class SpeechPaused:
    """The first unvoiced frame after speech (a chance to start a speculative final decode)."""

    timestamp: float


@dataclass(frozen=True, slots=True)
class SpeechResumed:
    """Speech came back before the pause became an end."""

    timestamp: float


@dataclass(frozen=True, slots=True, eq=False)
class SpeechEnded:
    """The utterance is over; `timestamp` is the end of its last voiced frame.

    `audio` runs from `audio_start` (pre-roll before the onset) to the frame that ended it,
    trailing silence included. `truncated` means it hit the maximum utterance length.
    """

    timestamp: float
    audio: np.ndarray = field(repr=False)
    audio_start: float = 0.0
    truncated: bool = False


EndpointEvent = SpeechStarted | SpeechPaused | SpeechResumed | SpeechEnded
