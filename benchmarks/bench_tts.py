"""TTS figures: Piper time to first audio through SpeechService, real-time factor, cache hits."""

from __future__ import annotations

import asyncio
import statistics
import time

from benchmarks.figures import Figure
from voicebot.models import ModelSet
from voicebot.settings import TtsSettings
from voicebot.tts import SpeechService, Synthesizer

PROMPT = (
    "Thank you for calling First Community Bank. "
    "I can help with balances, lost cards and payments. "
    "What can I do for you today?"
)
LONG_SENTENCE = "Your current balance is one thousand two hundred and fifty dollars and thirty cents, and your next payment is due on the fifth of June."
REPEATS = 5


async def _first_chunk_seconds(service: SpeechService, text: str) -> float:
    started = time.perf_counter()
    stream = service.stream(text)
    try:
        await anext(stream)
        return time.perf_counter() - started
    finally:
        await stream.aclose()


async def _measure(synthesizer: Synthesizer) -> list[Figure]:
    cold: list[float] = []
    for repeat in range(REPEATS):
        service = SpeechService(synthesizer, cache_size=0)
        cold.append(await _first_chunk_seconds(service, PROMPT + f" Reference {repeat}."))
        service.close()
    cached_service = SpeechService(synthesizer)
    await cached_service.prewarm([PROMPT])
    hits = [await _first_chunk_seconds(cached_service, PROMPT) for _ in range(REPEATS)]
    cached_service.close()

    synthesizer.synthesize(LONG_SENTENCE)  # warm
    rtfs = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        audio = synthesizer.synthesize(LONG_SENTENCE)
        rtfs.append((time.perf_counter() - started) / (len(audio) / synthesizer.sample_rate))
    first = statistics.median(cold)
    hit = statistics.median(hits)
    rtf = statistics.median(rtfs)
    return [
        Figure(
            "TTS time to first audio, first sentence of a 3-sentence prompt",
            f"{first * 1000:.0f} ms",
        ),
        Figure("TTS real-time factor, Piper joe medium, one thread", f"{rtf:.3f}"),
        Figure(
            "TTS time to first audio, cached prompt",
            f"{hit * 1000:.2f} ms",
            "<= 1 ms",
            hit <= 0.001,
        ),
    ]


def run() -> list[Figure]:
    synthesizer = ModelSet().synthesizer(TtsSettings())
    return asyncio.run(_measure(synthesizer))
