"""Small fakes for the engine's tests: a loudness VAD, a recognizer that reads loudness as words, fast TTS.

Caller "speech" in these tests is a square wave: its amplitude says which words it stands for, so a
test writes `speech(1.0, "check my balance")` and the fake recognizer hears exactly that.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator

import numpy as np

from voicebot.asr.hypothesis import Hypothesis
from voicebot.audio import ENGINE_RATE, AudioFrame
from voicebot.clock import Clock
from voicebot.conversation.heard import split_sentences
from voicebot.conversation.services import CallServices
from voicebot.settings import Settings
from voicebot.vad import Endpointer, EndpointerConfig

PHRASES = ["check my balance", "an agent please", "goodbye", "hmm what", "one more thing"]
BOT_SAMPLE = 1000  # the fake TTS "voice" is a constant level, so played audio is easy to spot
MS_PER_WORD = 300


def amplitude_of(phrase: str) -> int:
    return 2000 * (PHRASES.index(phrase) + 1)


def speech(seconds: float, phrase: str) -> np.ndarray:
    n = round(seconds * ENGINE_RATE)
    wave = np.where(np.arange(n) % 40 < 20, 1, -1) * amplitude_of(phrase)
    return wave.astype(np.int16)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * ENGINE_RATE), dtype=np.int16)


def caller(*parts: np.ndarray) -> np.ndarray:
    return np.concatenate(parts)


class LoudnessDetector:
    def is_speech(self, frame: AudioFrame) -> bool:
        return bool(np.abs(frame.samples).max() > 500)


class LoudnessRecognizer:
    """Hears the phrase whose amplitude is loudest in the audio; counts its calls."""

    def __init__(self) -> None:
        self.calls: list[bool] = []  # final flag of each decode

    async def transcribe(self, audio: np.ndarray, *, final: bool = True) -> Hypothesis:
        self.calls.append(final)
        return self.hear(audio, final)

    @staticmethod
    def hear(audio: np.ndarray, final: bool) -> Hypothesis:
        peak = int(np.abs(audio).max()) if len(audio) else 0
        index = round(peak / 2000) - 1
        text = PHRASES[index] if 0 <= index < len(PHRASES) else ""
        return Hypothesis(text, is_final=final, confidence=0.9 if text else 0.0)


class BlockingRecognizer:
    """Decodes in a worker thread that waits until the test calls `release()`."""

    def __init__(self) -> None:
        self._gate = threading.Event()
        self.started = threading.Event()

    def release(self) -> None:
        self._gate.set()

    async def transcribe(self, audio: np.ndarray, *, final: bool = True) -> Hypothesis:
        def work() -> Hypothesis:
            self.started.set()
            self._gate.wait(timeout=30)
            return LoudnessRecognizer.hear(audio, final)

        return await asyncio.to_thread(work)


class FakeSpeech:
    """One chunk per sentence, MS_PER_WORD per word, produced instantly."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    async def stream(self, text: str) -> AsyncIterator[np.ndarray]:
        self.texts.append(text)
        for sentence in split_sentences(text):
            samples = len(sentence.split()) * MS_PER_WORD * ENGINE_RATE // 1000
            await asyncio.sleep(0)
            yield np.full(samples, BOT_SAMPLE, dtype=np.int16)


def speech_seconds(text: str) -> float:
    return len(text.split()) * MS_PER_WORD / 1000


def fake_services(
    clock: Clock, recognizer: object | None = None, **settings: object
) -> CallServices:
    config = Settings(**settings)  # type: ignore[arg-type]
    endpoint = EndpointerConfig(
        start_ms=config.vad.start_ms,
        end_silence_ms=config.vad.end_silence_ms,
        max_utterance_s=config.vad.max_utterance_s,
    )
    return CallServices(
        settings=config,
        asr=recognizer or LoudnessRecognizer(),  # type: ignore[arg-type]
        speech=FakeSpeech(),
        make_detector=LoudnessDetector,
        make_endpointer=lambda: Endpointer(endpoint),
        clock=clock,
    )
