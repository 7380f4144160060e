"""SpeechService: sentence-by-sentence TTS for the real-time path, with a prompt cache.

`stream(text)` yields one chunk per sentence at `output_rate` (16 kHz by default): the first as
soon as it is synthesized, the next one synthesized in the background while the caller plays the
current one, never more than one sentence ahead (so a barge-in wastes at most one sentence of CPU).
Synthesis runs on a small thread pool shared by all calls; finished sentences go into an LRU cache
keyed by (voice, sentence), so a dialog's fixed prompts cost nothing after the first time, or
nothing at all after `prewarm`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from voicebot.audio.frame import ENGINE_RATE
from voicebot.audio.mix import trim_leading_silence
from voicebot.audio.resample import resample
from voicebot.tts.cache import CacheKey, PromptCache
from voicebot.tts.sentences import split_sentences
from voicebot.tts.synthesizer import Synthesizer


class SpeechService:
    """Stream, cache and prewarm the speech of one Synthesizer. Use from one event loop."""

    def __init__(
        self,
        synthesizer: Synthesizer,
        *,
        cache_size: int = 512,
        workers: int = 1,
        output_rate: int = ENGINE_RATE,
    ) -> None:
        if workers < 1:
            raise ValueError(f"SpeechService needs at least one worker, got {workers}")
        self.synthesizer = synthesizer
        self.output_rate = output_rate
        self.voice = f"{getattr(synthesizer, 'voice_name', type(synthesizer).__name__)}@{synthesizer.sample_rate}"
        self.cache = PromptCache(cache_size)
        # sentences actually synthesized (cache misses), for metrics and tests
        self.synthesis_calls = 0
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tts")

    async def stream(self, text: str) -> AsyncIterator[np.ndarray]:
        """One int16 chunk per sentence of `text`, at `output_rate`; see the module doc for timing."""
        sentences = split_sentences(text)
        if not sentences:
            return
        pending = self._sentence_audio(sentences[0])
        try:
            for index in range(len(sentences)):
                audio = await pending
                pending = (
                    self._sentence_audio(sentences[index + 1])
                    if index + 1 < len(sentences)
                    else None
                )
                if len(audio):
                    yield audio
        finally:
            if pending is not None and not pending.done():
                pending.cancel()  # the caller stopped listening (barge-in): skip the sentence ahead

    async def synthesize(self, text: str) -> np.ndarray:
        """The whole text as one int16 array at `output_rate` (through the cache, sentence by sentence)."""
        chunks = [chunk async for chunk in self.stream(text)]
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)

    async def prewarm(self, texts: Iterable[str]) -> int:
        """Synthesize every sentence of `texts` into the cache now; returns how many were new."""
        new = 0
        for text in texts:
            for sentence in split_sentences(text):
                if self._key(sentence) not in self.cache:
                    await self._sentence_audio(sentence)
                    new += 1
        return new

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _key(self, sentence: str) -> CacheKey:
        return (self.voice, sentence)

    def _sentence_audio(self, sentence: str) -> asyncio.Future[np.ndarray]:
        """A future of the sentence's audio: already done on a cache hit, else running in the pool."""
        loop = asyncio.get_running_loop()
        key = self._key(sentence)
        cached = self.cache.get(key)
        if cached is not None:
            done: asyncio.Future[np.ndarray] = loop.create_future()
            done.set_result(cached)
            return done
        self.synthesis_calls += 1
        work = self._executor.submit(self._synthesize_blocking, sentence)
        # cache from the worker's own future: a sentence finished after its listener left still counts
        work.add_done_callback(lambda f: self._store_soon(loop, key, f))
        return asyncio.wrap_future(work, loop=loop)

    def _store_soon(
        self, loop: asyncio.AbstractEventLoop, key: CacheKey, work: Future[np.ndarray]
    ) -> None:
        if work.cancelled() or work.exception() is not None:
            return
        try:
            loop.call_soon_threadsafe(self.cache.put, key, work.result())
        except RuntimeError:
            pass  # the loop is closed: nobody is left to play it

    def _synthesize_blocking(self, sentence: str) -> np.ndarray:
        audio = self.synthesizer.synthesize(sentence)
        if self.synthesizer.sample_rate != self.output_rate:
            audio = resample(audio, self.synthesizer.sample_rate, self.output_rate)
        # the voice's own lead-in silence would only delay the reply; the previous sentence's
        # trailing silence still makes the pause between sentences
        return trim_leading_silence(audio, self.output_rate)
