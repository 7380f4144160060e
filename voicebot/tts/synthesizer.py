"""The seam every TTS engine implements."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Synthesizer(Protocol):
    """Text to mono int16 PCM at `sample_rate`. Blocking; run it off the event loop (SpeechService does)."""

    sample_rate: int

    def synthesize(self, text: str) -> np.ndarray: ...
