"""The seam every ASR engine implements."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from voicebot.asr.errors import AudioInputError
from voicebot.asr.hypothesis import Hypothesis
from voicebot.audio.frame import ENGINE_RATE


@runtime_checkable
class Recognizer(Protocol):
    """Speech to text for one utterance.

    `audio` is 16 kHz mono int16. The call blocks (run it off the event loop, e.g. via AsrPool) and
    must be safe to call from several threads at once. `final=False` asks for a partial hypothesis
    of speech still in progress and may trade accuracy for speed. The Hypothesis' start/end are
    0 and the audio's duration; the caller shifts them onto its call's clock. `busy=True` says
    other callers' finals are waiting for a decoder (AsrPool sets it): an engine should then skip
    any slow second pass and answer with what its first pass heard.
    """

    def transcribe(
        self, audio: np.ndarray, *, final: bool = True, busy: bool = False
    ) -> Hypothesis: ...


def check_audio(audio: np.ndarray) -> np.ndarray:
    """The audio as float32 in [-1, 1), after checking it is 1-D int16."""
    if not isinstance(audio, np.ndarray) or audio.dtype != np.int16 or audio.ndim != 1:
        got = (
            f"{audio.dtype} with shape {audio.shape}"
            if isinstance(audio, np.ndarray)
            else type(audio).__name__
        )
        raise AudioInputError(f"recognizers take 1-D int16 audio at {ENGINE_RATE} Hz, got {got}")
    return audio.astype(np.float32) / 32768.0


def duration_of(audio: np.ndarray) -> float:
    return len(audio) / ENGINE_RATE
