"""A bounded queue that never blocks its producer: when full it drops the oldest droppable item.

Real-time edges use it so a reader that stops reading costs a fixed amount of memory, never more;
`dropped` says how much was lost so metrics can show it.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


def _always(_: object) -> bool:
    return True


class DropOldestQueue(Generic[T]):
    """FIFO of at most `maxsize` items for one consumer.

    `droppable(item)` picks which items may be dropped on overflow (audio may, a hangup may not);
    when none is droppable the oldest item goes anyway, so the bound always holds.
    """

    def __init__(self, maxsize: int, droppable: Callable[[T], bool] = _always) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize must be at least 1, got {maxsize}")
        self.maxsize = maxsize
        self.dropped = 0
        self._droppable = droppable
        self._items: deque[T] = deque()
        self._ready = asyncio.Event()

    def __len__(self) -> int:
        return len(self._items)

    def put_nowait(self, item: T) -> None:
        if len(self._items) >= self.maxsize:
            self._drop_one()
        self._items.append(item)
        self._ready.set()

    def _drop_one(self) -> None:
        for index, queued in enumerate(self._items):
            if self._droppable(queued):
                del self._items[index]
                break
        else:
            self._items.popleft()
        self.dropped += 1

    def get_nowait(self) -> T | None:
        """The oldest item, or None when empty."""
        if not self._items:
            return None
        item = self._items.popleft()
        if not self._items:
            self._ready.clear()
        return item

    async def get(self) -> T:
        while not self._items:
            await self._ready.wait()
        item = self._items.popleft()
        if not self._items:
            self._ready.clear()
        return item

    def clear(self) -> int:
        """Forget everything queued (not counted as drops); returns how many items went."""
        count = len(self._items)
        self._items.clear()
        self._ready.clear()
        return count
