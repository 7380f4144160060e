"""WebRTC signaling for the web page: POST /webrtc/offer, plus the dialog list the page offers.

The page posts its SDP offer (as in aiortc's examples) and gets the answer with the new call's id,
which it then uses to open /ws/calls/{call_id} for the live transcript.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from telephony.webrtc import HostAddressError, OfferError, answer_offer

log = logging.getLogger(__name__)

router = APIRouter()


class OfferBody(BaseModel):
    sdp: str = Field(min_length=1, max_length=100_000)
    type: Literal["offer"]
    dialog: str | None = Field(None, description="dialog name; the server's default when absent")


class AnswerBody(BaseModel):
    sdp: str
    type: str
    call_id: str
    dialog: str


def _runtime(request: Request) -> Any:
    return request.app.state.runtime


@router.post("/webrtc/offer", response_model=AnswerBody)
async def webrtc_offer(body: OfferBody, request: Request) -> AnswerBody:
    runtime = _runtime(request)
    if runtime.calls is None:
        raise HTTPException(503, "calls are not available: the server has no call registry")
    dialog_name = body.dialog or runtime.default_dialog
    if dialog_name not in runtime.dialogs:
        known = ", ".join(sorted(runtime.dialogs)) or "none"
        raise HTTPException(404, f"unknown dialog {dialog_name!r} (loaded: {known})")
    client = request.client.host if request.client else "unknown"
    try:
        leg, answer = await answer_offer(
            body.sdp,
            body.type,
            remote_party=f"browser {client}",
            host_addresses=runtime.settings.webrtc.host_addresses,
        )
    except OfferError as exc:
        raise HTTPException(400, str(exc)) from exc
    except HostAddressError as exc:
        log.error("WebRTC call from %s refused: %s", client, exc)
        raise HTTPException(503, str(exc)) from exc
    try:
        call_id = runtime.calls.start_call(leg, dialog_name, ready=leg.media_started)
    except Exception:
        await leg.close()
        raise
    log.info("%s: WebRTC call from %s on dialog %s", call_id, client, dialog_name)
    return AnswerBody(sdp=answer.sdp, type=answer.type, call_id=call_id, dialog=dialog_name)


@router.get("/api/dialogs")
async def list_dialogs(request: Request) -> dict[str, Any]:
    runtime = _runtime(request)
    return {
        "default": runtime.default_dialog,
        "dialogs": [{"name": name} for name in sorted(runtime.dialogs)],
    }


@router.get("/api/calls")
async def list_calls(request: Request) -> dict[str, Any]:
    calls = _runtime(request).calls
    return {"calls": [c.summary() for c in calls.active_calls()] if calls is not None else []}
