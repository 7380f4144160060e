"""Helpers for the asyncio tasks a transport owns."""

from __future__ import annotations

import asyncio
import contextlib


async def cancel_and_wait(tasks: list[asyncio.Task]) -> None:
    """Cancel `tasks`, wait until each has stopped, and empty the list; errors other than the
    cancellation still propagate."""
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    tasks.clear()
