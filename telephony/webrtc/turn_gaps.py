"""Turn gaps seen by the leg itself: last loud caller frame in -> first loud bot frame out.

Independent of the engine's own metrics, so it measures what the transport sees: endpointing,
ASR, dialog, TTS and the bot track's queue together. Pure bookkeeping on timestamps, no I/O.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from voicebot.audio import AudioFrame

LOUD_RMS = 180.0  # about -45 dBFS: above room noise and codec hiss, below any speech
KEPT_GAPS = 200


def is_loud(samples: np.ndarray) -> bool:
    if not len(samples):
        return False
    return float(np.sqrt(np.mean(samples.astype(np.float32) ** 2))) > LOUD_RMS


class TurnGapMeter:
    """Feed it every inbound frame and every outbound frame as it leaves; read `gaps` (seconds)."""

    def __init__(self) -> None:
        self.gaps: deque[float] = deque(maxlen=KEPT_GAPS)
        self._caller_sound_end: float | None = None  # end of the latest loud caller frame
        self._bot_speaking = False

    def caller_frame(self, frame: AudioFrame) -> None:
        if is_loud(frame.samples):
            self._caller_sound_end = frame.end

    def bot_frame(self, frame: AudioFrame, sent_at: float) -> None:
        loud = is_loud(frame.samples)
        if loud and not self._bot_speaking and self._caller_sound_end is not None:
            if sent_at >= self._caller_sound_end:  # a reply, not the bot talking over the caller
                self.gaps.append(sent_at - self._caller_sound_end)
            self._caller_sound_end = None
        self._bot_speaking = loud
