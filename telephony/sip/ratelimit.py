"""Per-source request rate limits: one token bucket per source address, on injected time."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RateLimit:
    """`per_second` new requests on average from one source, bursts of up to `burst`."""

    per_second: float = 50.0
    burst: float = 100.0


class SourceRateLimiter:
    """`allow(source)` spends one token from the source's bucket. Remembers at most `max_sources`
    sources (least recently seen forgotten first), so a flood of spoofed sources stays bounded."""

    def __init__(
        self, limit: RateLimit, now: Callable[[], float], *, max_sources: int = 10_000
    ) -> None:
        self.limit = limit
        self._now = now
        self._max_sources = max_sources
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # tokens, last update
        self.refused = 0

    def allow(self, source: str) -> bool:
        now = self._now()
        tokens, last = self._buckets.pop(source, (self.limit.burst, now))
        tokens = min(self.limit.burst, tokens + (now - last) * self.limit.per_second)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        else:
            self.refused += 1
        self._buckets[source] = (tokens, now)
        if len(self._buckets) > self._max_sources:
            self._buckets.popitem(last=False)
        return allowed
