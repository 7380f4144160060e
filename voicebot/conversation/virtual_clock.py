"""A clock for running a call faster than real time while keeping its latencies real.

Time stands still while code computes on the event loop and jumps straight to the next sleeper's
deadline when everything waits, so silence and paced audio cost nothing. While marked work is in
flight (`with clock.busy():` around an ASR decode, a TTS sentence, a dialog turn) time follows the
real clock instead: a 120 ms decode takes 120 ms of call time, and the latencies measured on this
clock are the ones a live call would see on the same CPU.

Run `driver()` as a task beside the code it times; it is the only thing that moves time.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Iterator
from contextlib import contextmanager

SETTLE_ROUNDS = 20  # loop iterations that let woken tasks run before time may jump again
BUSY_POLL_S = 0.002  # how often sleepers are checked against real time while work is in flight


class VirtualClock:
    def __init__(self, start: float = 0.0) -> None:
        self._virtual = start
        self._anchor = time.monotonic()
        self._busy = 0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self.jumps = 0

    def now(self) -> float:
        if self._busy:
            return self._virtual + (time.monotonic() - self._anchor)
        return self._virtual

    @contextmanager
    def busy(self) -> Iterator[None]:
        """Mark CPU work in flight: time follows the real clock until it is done."""
        self._rebase()
        self._busy += 1
        try:
            yield
        finally:
            self._rebase()
            self._busy -= 1

    def _rebase(self) -> None:
        self._virtual = self.now()
        self._anchor = time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await self.sleep_until(self.now() + max(0.0, seconds))

    async def sleep_until(self, deadline: float) -> None:
        if deadline <= self.now():
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (deadline, next(self._order), future))
        await future

    async def driver(self) -> None:
        """Move time forever (cancel it when the timed code is done)."""
        while True:
            for _ in range(SETTLE_ROUNDS):
                await asyncio.sleep(0)
            self._drop_cancelled()
            if self._busy:
                self._wake_due(self.now())
                await asyncio.sleep(BUSY_POLL_S)
            elif self._sleepers:
                deadline = self._sleepers[0][0]
                if deadline > self._virtual:
                    self._virtual = deadline
                    self._anchor = time.monotonic()
                    self.jumps += 1
                self._wake_due(self._virtual)
            else:  # everyone waits on something unmarked (a queue, a socket): poll gently
                await asyncio.sleep(BUSY_POLL_S)

    def _wake_due(self, now: float) -> None:
        while self._sleepers and self._sleepers[0][0] <= now:
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)

    def _drop_cancelled(self) -> None:
        while self._sleepers and self._sleepers[0][2].done():
            heapq.heappop(self._sleepers)
