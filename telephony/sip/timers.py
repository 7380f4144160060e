"""Injectable timers for the SIP state machines.

Production uses the event loop's own timer heap (`LoopTimers`: cheap at hundreds of calls per
second). Tests drive the same state machines on virtual time with `ClockTimers(FakeClock())`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol


class Clock(Protocol):
    """The part of voicebot.clock.Clock the SIP stack needs (kept here: telephony stays a leaf)."""

    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class TimerHandle(Protocol):
    def cancel(self) -> None: ...


class Timers(Protocol):
    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle: ...

    def now(self) -> float: ...


class LoopTimers:
    """Timers on the running asyncio loop."""

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle:
        return asyncio.get_running_loop().call_later(delay, callback)

    def now(self) -> float:
        return asyncio.get_running_loop().time()


class _ClockTimer:
    def __init__(self, owner: ClockTimers, delay: float, callback: Callable[[], None]) -> None:
        self._owner = owner
        self._callback = callback
        self._task = asyncio.get_running_loop().create_task(self._run(delay))
        owner._tasks.add(self._task)
        self._task.add_done_callback(owner._tasks.discard)

    async def _run(self, delay: float) -> None:
        await self._owner.clock.sleep(delay)
        self._callback()

    def cancel(self) -> None:
        self._task.cancel()


class ClockTimers:
    """Timers that sleep on a Clock: with FakeClock, `await clock.advance(32)` fires timer B."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._tasks: set[asyncio.Task[None]] = set()

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle:
        return _ClockTimer(self, delay, callback)

    def now(self) -> float:
        return self.clock.now()

    def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
