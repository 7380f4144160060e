"""AsrPool's policy with a scripted recognizer: finals first, stale partials dropped, cancel unqueues."""

from __future__ import annotations

import asyncio
import threading

import numpy as np
import pytest

from voicebot.asr import AsrPool, Hypothesis, PartialDropped

WAIT = 5.0  # seconds a thread hand-off may take before the test fails (never slept)


class GatedRecognizer:
    """Records what it was asked to decode; the first decode waits until `release` is set."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.decoded: list[tuple[int, bool]] = []  # (first sample, final)
        self.busy: list[bool] = []  # what the pool said of each decode
        self._first = True
        self._lock = threading.Lock()

    def transcribe(
        self, audio: np.ndarray, *, final: bool = True, busy: bool = False
    ) -> Hypothesis:
        with self._lock:
            first, self._first = self._first, False
        if first:
            self.started.set()
            assert self.release.wait(WAIT)
        if int(audio[0]) < 0:
            raise RuntimeError("decoder exploded")
        with self._lock:
            self.decoded.append((int(audio[0]), final))
            self.busy.append(busy)
        return Hypothesis(text=f"clip {int(audio[0])}", is_final=final)


def clip(label: int) -> np.ndarray:
    return np.full(1600, label, dtype=np.int16)


async def occupy_the_only_worker(
    pool: AsrPool, recognizer: GatedRecognizer
) -> asyncio.Task[Hypothesis]:
    busy = asyncio.create_task(pool.transcribe(clip(0), final=False))
    assert await asyncio.to_thread(recognizer.started.wait, WAIT)
    return busy


async def test_a_final_runs_before_partials_that_waited_longer() -> None:
    recognizer = GatedRecognizer()
    pool = AsrPool(recognizer, workers=1, max_queued_partials=4)
    busy = await occupy_the_only_worker(pool, recognizer)
    partials = [asyncio.create_task(pool.transcribe(clip(n), final=False)) for n in (1, 2)]
    final = asyncio.create_task(pool.transcribe(clip(3), final=True))
    await asyncio.sleep(0)  # let the three submit before the worker frees up
    assert pool.queued() == (1, 2)
    recognizer.release.set()
    assert (await final).text == "clip 3"
    await asyncio.gather(busy, *partials)
    assert recognizer.decoded == [(0, False), (3, True), (1, False), (2, False)]
    pool.close()


async def test_the_oldest_waiting_partial_is_dropped_when_too_many_wait() -> None:
    recognizer = GatedRecognizer()
    pool = AsrPool(recognizer, workers=1, max_queued_partials=1)
    busy = await occupy_the_only_worker(pool, recognizer)
    stale = asyncio.create_task(pool.transcribe(clip(1), final=False))
    await asyncio.sleep(0)
    fresh = asyncio.create_task(pool.transcribe(clip(2), final=False))
    with pytest.raises(PartialDropped):
        await stale
    recognizer.release.set()
    assert (await fresh).text == "clip 2"
    await busy
    assert (1, False) not in recognizer.decoded
    assert pool.dropped_partials == 1
    pool.close()


async def test_cancelling_a_waiting_transcription_skips_its_decode() -> None:
    recognizer = GatedRecognizer()
    pool = AsrPool(recognizer, workers=1)
    busy = await occupy_the_only_worker(pool, recognizer)
    abandoned = asyncio.create_task(pool.transcribe(clip(1), final=True))
    kept = asyncio.create_task(pool.transcribe(clip(2), final=True))
    await asyncio.sleep(0)
    abandoned.cancel()
    with pytest.raises(asyncio.CancelledError):
        await abandoned
    recognizer.release.set()
    await asyncio.gather(busy, kept)
    assert recognizer.decoded == [(0, False), (2, True)]
    pool.close()


async def test_a_decoder_error_reaches_the_caller_and_the_pool_goes_on() -> None:
    recognizer = GatedRecognizer()
    recognizer.release.set()
    pool = AsrPool(recognizer, workers=2)
    with pytest.raises(RuntimeError, match="exploded"):
        await pool.transcribe(clip(-1))
    assert (await pool.transcribe(clip(5))).text == "clip 5"
    pool.close()


def test_a_pool_needs_a_worker() -> None:
    with pytest.raises(ValueError, match="at least one worker"):
        AsrPool(GatedRecognizer(), workers=0)


async def test_a_final_with_others_waiting_behind_it_is_told_the_pool_is_busy() -> None:
    recognizer = GatedRecognizer()
    pool = AsrPool(recognizer, workers=1)
    busy = await occupy_the_only_worker(pool, recognizer)
    finals = [asyncio.create_task(pool.transcribe(clip(n), final=True)) for n in (1, 2)]
    await asyncio.sleep(0)
    recognizer.release.set()
    await asyncio.gather(busy, *finals)
    assert recognizer.decoded == [(0, False), (1, True), (2, True)]
    # the first decode found nobody waiting; final 1 had final 2 behind it; final 2 had nobody
    assert recognizer.busy == [False, True, False]
    pool.close()
