"""WebSocket /ws/calls/{call_id}: one call's live events as JSON, history first.

The page and the agent console read the same stream: transcripts (partial and final), the bot's
replies, dialog state and slots, barge-ins, turn latencies, and `call_ended` last. A reader that
stops reading loses its oldest events (bounded per-subscriber queue), never the server's memory;
a reader that goes away is unsubscribed at once, not at the call's next event.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from voicebot.api.calls import UnknownCallError

router = APIRouter()

UNKNOWN_CALL = 4404  # application close code: no such call


@router.websocket("/ws/calls/{call_id}")
async def call_events(websocket: WebSocket, call_id: str) -> None:
    await websocket.accept()
    registry = websocket.app.state.runtime.calls
    try:
        events = registry.subscribe(call_id) if registry is not None else None
    except UnknownCallError:
        events = None
    if events is None:
        await websocket.send_json({"type": "error", "message": f"no call {call_id!r}"})
        await websocket.close(UNKNOWN_CALL)
        return
    forward = asyncio.ensure_future(_forward(websocket, call_id, events))
    gone = asyncio.ensure_future(_until_disconnected(websocket))
    try:
        await asyncio.wait({forward, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (forward, gone):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
                await task
        await events.aclose()  # type: ignore[attr-defined]  # an async generator


async def _forward(
    websocket: WebSocket, call_id: str, events: AsyncIterator[dict[str, Any]]
) -> None:
    async for event in events:
        await websocket.send_json({**event, "call_id": call_id})
    await websocket.close()


async def _until_disconnected(websocket: WebSocket) -> None:
    """The client sends nothing we need; its disconnect is what we wait for."""
    while (await websocket.receive())["type"] != "websocket.disconnect":
        pass
