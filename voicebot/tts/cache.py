"""A least-recently-used cache of synthesized sentences, keyed by (voice, sentence)."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

CacheKey = tuple[str, str]


class PromptCache:
    """At most `capacity` entries; 0 disables caching. Not thread-safe: use it from the event loop."""

    def __init__(self, capacity: int) -> None:
        if capacity < 0:
            raise ValueError(f"cache capacity must be >= 0, got {capacity}")
        self.capacity = capacity
        self._entries: OrderedDict[CacheKey, np.ndarray] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: CacheKey) -> np.ndarray | None:
        audio = self._entries.get(key)
        if audio is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return audio

    def put(self, key: CacheKey, audio: np.ndarray) -> None:
        if self.capacity == 0:
            return
        audio.flags.writeable = False  # shared by every call that plays it
        self._entries[key] = audio
        self._entries.move_to_end(key)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def __contains__(self, key: CacheKey) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)
