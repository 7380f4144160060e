"""The clock RTP timing runs on. Structural, so voicebot.clock's MonotonicClock and FakeClock fit
without telephony importing voicebot (telephony may depend on voicebot.audio only)."""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class PacingClock(Protocol):
    def now(self) -> float: ...

    async def sleep_until(self, deadline: float) -> None: ...


class MonotonicPacingClock:
    def now(self) -> float:
        return time.monotonic()

    async def sleep_until(self, deadline: float) -> None:
        await asyncio.sleep(max(0.0, deadline - time.monotonic()))
