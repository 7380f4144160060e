"""The LRU prompt cache."""

import numpy as np
import pytest

from voicebot.tts import PromptCache


def audio(n: int) -> np.ndarray:
    return np.full(10, n, dtype=np.int16)


def test_least_recently_used_entry_goes_first() -> None:
    cache = PromptCache(2)
    cache.put(("joe", "a"), audio(1))
    cache.put(("joe", "b"), audio(2))
    assert cache.get(("joe", "a")) is not None  # "a" is now the most recent
    cache.put(("joe", "c"), audio(3))
    assert ("joe", "b") not in cache
    assert ("joe", "a") in cache and ("joe", "c") in cache
    assert (cache.hits, cache.misses) == (1, 0)


def test_voices_do_not_share_entries() -> None:
    cache = PromptCache(4)
    cache.put(("joe", "hello"), audio(1))
    assert cache.get(("amy", "hello")) is None
    assert cache.misses == 1


def test_cached_audio_is_read_only_and_size_zero_disables() -> None:
    cache = PromptCache(1)
    cache.put(("joe", "a"), audio(1))
    with pytest.raises(ValueError):
        cache.get(("joe", "a"))[0] = 5  # type: ignore[index]
    off = PromptCache(0)
    off.put(("joe", "a"), audio(1))
    assert len(off) == 0
