"""Finished calls from the store: GET /api/history and /api/history/{call_id}."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request

router = APIRouter()


def _store(request: Request) -> Any:
    store = request.app.state.runtime.store
    if store is None:
        raise HTTPException(503, "no call store configured")
    return store


@router.get("/api/history")
async def recent_calls(
    request: Request,
    limit: int = Query(50, ge=1, le=500),
    outcome: str | None = None,
) -> dict[str, Any]:
    calls = await asyncio.to_thread(_store(request).recent, limit, outcome=outcome)
    return {"calls": [c.to_json() | {"record": None} for c in calls]}


@router.get("/api/history/{call_id}")
async def one_call(call_id: str, request: Request) -> dict[str, Any]:
    call = await asyncio.to_thread(_store(request).get, call_id)
    if call is None:
        raise HTTPException(404, f"no finished call {call_id!r}")
    return call.to_json()
