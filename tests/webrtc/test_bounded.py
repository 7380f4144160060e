import asyncio

from telephony.webrtc.bounded import DropOldestQueue


def test_full_queue_drops_the_oldest_and_counts():
    queue: DropOldestQueue[int] = DropOldestQueue(3)
    for item in range(5):
        queue.put_nowait(item)
    assert len(queue) == 3
    assert queue.dropped == 2
    assert [queue.get_nowait() for _ in range(3)] == [2, 3, 4]
    assert queue.get_nowait() is None


def test_items_that_must_survive_are_skipped_when_dropping():
    queue: DropOldestQueue[str] = DropOldestQueue(
        3, droppable=lambda item: item.startswith("audio")
    )
    for item in ["key 5", "audio 1", "audio 2", "audio 3", "hangup"]:
        queue.put_nowait(item)
    assert [queue.get_nowait() for _ in range(3)] == ["key 5", "audio 3", "hangup"]
    assert queue.dropped == 2


def test_the_bound_holds_even_when_nothing_is_droppable():
    queue: DropOldestQueue[str] = DropOldestQueue(2, droppable=lambda item: False)
    for item in "abc":
        queue.put_nowait(item)
    assert len(queue) == 2
    assert queue.get_nowait() == "b"


async def test_get_waits_for_the_next_item():
    queue: DropOldestQueue[int] = DropOldestQueue(4)
    waiter = asyncio.ensure_future(queue.get())
    await asyncio.sleep(0)
    assert not waiter.done()
    queue.put_nowait(7)
    assert await asyncio.wait_for(waiter, 1) == 7


def test_clear_forgets_without_counting_drops():
    queue: DropOldestQueue[int] = DropOldestQueue(4)
    queue.put_nowait(1)
    queue.put_nowait(2)
    assert queue.clear() == 2
    assert len(queue) == 0 and queue.dropped == 0
