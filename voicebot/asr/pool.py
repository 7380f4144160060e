"""AsrPool: one bounded set of decoder threads shared by every call, finals first.

Policy (why: a caller waits for the final to get an answer; partials only refresh a live view):
  * at most `workers` decodes run at once, on a ThreadPoolExecutor of that size;
  * a waiting final always runs before any waiting partial, finals in arrival order;
  * at most `max_queued_partials` partials wait; when one more arrives the oldest waiting partial is
    dropped and its awaiter gets `PartialDropped` (its audio is stale: a newer partial exists);
  * cancelling an awaiting `transcribe` removes its queued decode without running it;
  * a decode starts with `busy=True` when another final is still waiting, so the engine skips
    slow second passes (Whisper's padded fallback) rather than make every waiting caller wait.
A decode that already runs cannot be interrupted; it finishes and its result is discarded.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from voicebot.asr.errors import PartialDropped
from voicebot.asr.hypothesis import Hypothesis
from voicebot.asr.recognizer import Recognizer

_FINAL, _PARTIAL = 0, 1


@dataclass(order=True)
class _Job:
    priority: int
    sequence: int
    audio: np.ndarray = field(compare=False)
    future: Future[Hypothesis] = field(compare=False, default_factory=Future)

    @property
    def final(self) -> bool:
        return self.priority == _FINAL


class AsrPool:
    """Run a Recognizer off the event loop for all calls at once; see the module doc for the policy."""

    def __init__(
        self, recognizer: Recognizer, workers: int, *, max_queued_partials: int | None = None
    ) -> None:
        if workers < 1:
            raise ValueError(f"AsrPool needs at least one worker, got {workers}")
        self.recognizer = recognizer
        self.workers = workers
        self.max_queued_partials = (
            max_queued_partials if max_queued_partials is not None else 2 * workers
        )
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="asr")
        self._lock = threading.Lock()
        self._queue: list[_Job] = []  # heap: finals before partials, then by arrival
        self._partials: deque[_Job] = deque()  # waiting partials, oldest first
        self._sequence = itertools.count()
        self.dropped_partials = 0

    async def transcribe(self, audio: np.ndarray, *, final: bool = True) -> Hypothesis:
        job = _Job(_FINAL if final else _PARTIAL, next(self._sequence), audio)
        with self._lock:
            heapq.heappush(self._queue, job)
            if not final:
                self._partials.append(job)
                self._drop_excess_partials()
        # one runner per job; each runner takes the best job waiting when a thread frees up
        self._executor.submit(self._run_next)
        return await asyncio.wrap_future(job.future)

    def queued(self) -> tuple[int, int]:
        """(finals, partials) waiting for a thread, for metrics."""
        with self._lock:
            live = [j for j in self._queue if not j.future.done()]
        finals = sum(1 for j in live if j.final)
        return finals, len(live) - finals

    def close(self) -> None:
        """Stop taking work; waiting decodes are cancelled, running ones finish."""
        with self._lock:
            for job in self._queue:
                job.future.cancel()
            self._queue.clear()
            self._partials.clear()
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _drop_excess_partials(self) -> None:
        # caller holds self._lock
        while self._partials and (
            self._partials[0].future.done() or len(self._partials) > self.max_queued_partials
        ):
            oldest = self._partials.popleft()
            if not oldest.future.done() and oldest.future.set_running_or_notify_cancel():
                oldest.future.set_exception(
                    PartialDropped("a newer partial replaced this one before a decoder was free")
                )
                self.dropped_partials += 1

    def _take(self) -> _Job | None:
        with self._lock:
            while self._queue:
                job = heapq.heappop(self._queue)
                if not job.final:
                    try:
                        self._partials.remove(job)
                    except ValueError:
                        pass
                if job.future.done():
                    continue  # dropped
                if job.future.set_running_or_notify_cancel():
                    return job
        return None

    def _run_next(self) -> None:
        job = self._take()
        if job is None:
            return
        try:
            # another final still waiting: the decode about to run should not take long
            busy = self.queued()[0] > 0
            result = self.recognizer.transcribe(job.audio, final=job.final, busy=busy)
        except BaseException as exc:  # delivered to the awaiting coroutine
            job.future.set_exception(exc)
        else:
            job.future.set_result(result)
