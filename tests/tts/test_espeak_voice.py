"""espeak-ng as a second, different voice for ASR tests."""

import shutil

import numpy as np
import pytest

from voicebot.tts.espeak_engine import EspeakSynthesizer

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed"
)


def test_espeak_speaks_at_22050_hz() -> None:
    audio = EspeakSynthesizer().synthesize("Agent please.")
    assert audio.dtype == np.int16
    assert 0.3 < len(audio) / 22_050 < 3.0
    assert np.abs(audio).max() > 1000
