"""SpeechService streaming, prefetch bound, cache and prewarm, with a scripted slow synthesizer."""

from __future__ import annotations

import asyncio
import threading

import numpy as np
import pytest

from voicebot.tts import SpeechService

WAIT = 5.0  # seconds a thread hand-off may take before the test fails (never slept)


class SlowSynthesizer:
    """Each sentence blocks until the test lets it through; 100 samples per character at 22.05 kHz."""

    sample_rate = 22_050
    voice_name = "slow-fake"

    def __init__(self, *, blocking: bool = True) -> None:
        self.requested: list[str] = []
        self.finished: list[str] = []
        self._gates: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self.blocking = blocking
        self.asked = threading.Condition(self._lock)

    def gate(self, sentence: str) -> threading.Event:
        with self._lock:
            return self._gates.setdefault(sentence, threading.Event())

    def synthesize(self, text: str) -> np.ndarray:
        with self._lock:
            self.requested.append(text)
            self.asked.notify_all()
        if self.blocking:
            assert self.gate(text).wait(WAIT), f"test never released {text!r}"
        with self._lock:
            self.finished.append(text)
        return np.full(100 * len(text), 1000, dtype=np.int16)

    def wait_until_asked(self, count: int) -> bool:
        with self._lock:
            return self.asked.wait_for(lambda: len(self.requested) >= count, WAIT)


TEXT = "Welcome to the bank. Your call matters. Please hold."
FIRST, SECOND, THIRD = "Welcome to the bank.", "Your call matters.", "Please hold."


async def test_first_sentence_plays_before_the_rest_is_synthesized() -> None:
    synth = SlowSynthesizer()
    service = SpeechService(synth)
    synth.gate(FIRST).set()
    stream = service.stream(TEXT)
    first = await anext(stream)
    assert len(first) == pytest.approx(
        100 * len(FIRST) * 16_000 / 22_050, abs=2
    )  # resampled to 16 kHz
    assert SECOND not in synth.finished and THIRD not in synth.finished
    # the second sentence is being synthesized in the background, the third not yet (one ahead)
    assert await asyncio.to_thread(synth.wait_until_asked, 2)
    assert synth.requested == [FIRST, SECOND]
    synth.gate(SECOND).set()
    synth.gate(THIRD).set()
    rest = [chunk async for chunk in stream]
    assert len(rest) == 2
    assert synth.requested == [FIRST, SECOND, THIRD]
    service.close()


async def test_a_repeated_prompt_costs_no_synthesis() -> None:
    synth = SlowSynthesizer(blocking=False)
    service = SpeechService(synth)
    first_time = await service.synthesize(TEXT)
    calls = len(synth.requested)
    second_time = await service.synthesize(TEXT)
    assert calls == 3
    assert len(synth.requested) == calls  # nothing synthesized the second time
    assert np.array_equal(first_time, second_time)
    assert service.synthesis_calls == 3 and service.cache.hits == 3
    service.close()


async def test_prewarm_fills_the_cache_for_a_dialogs_prompts() -> None:
    synth = SlowSynthesizer(blocking=False)
    service = SpeechService(synth)
    assert await service.prewarm(["Hello. Goodbye.", "Goodbye."]) == 2
    assert [chunk async for chunk in service.stream("Hello. Goodbye.")]
    assert synth.requested == ["Hello.", "Goodbye."]
    service.close()


async def test_leaving_the_stream_early_skips_the_sentence_after_next() -> None:
    synth = SlowSynthesizer()
    service = SpeechService(synth)
    synth.gate(FIRST).set()
    stream = service.stream(TEXT)
    await anext(stream)
    await stream.aclose()  # barge-in: the caller interrupted after the first sentence
    synth.gate(SECOND).set()  # the sentence already running may finish (and is cached)...
    assert await asyncio.to_thread(synth.wait_until_asked, 2)
    assert THIRD not in synth.requested  # ...but nothing after it is started
    service.close()


async def test_a_cache_of_size_zero_synthesizes_every_time() -> None:
    synth = SlowSynthesizer(blocking=False)
    service = SpeechService(synth, cache_size=0)
    await service.synthesize("Hello.")
    await service.synthesize("Hello.")
    assert synth.requested == ["Hello.", "Hello."]
    service.close()


async def test_empty_text_streams_nothing() -> None:
    service = SpeechService(SlowSynthesizer(blocking=False))
    assert [chunk async for chunk in service.stream("  ")] == []
    service.close()
