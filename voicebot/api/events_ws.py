"""WebSocket /ws/calls/{call_id}: one call's live events as JSON, history first.

The page and the agent console read the same stream: transcripts (partial and final), the bot's
replies, dialog state and slots, barge-ins, turn latencies, and `call_ended` last. A reader that
stops reading loses its oldest events (bounded per-subscriber queue), never the server's memory.
"""

from __future__ import annotations

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
    try:
        async for event in events:
            await websocket.send_json({**event, "call_id": call_id})
        await websocket.close()
    except WebSocketDisconnect:
        return
    finally:
        await events.aclose()
