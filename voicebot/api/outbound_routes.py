"""POST /api/calls places an outbound call; GET /api/calls/outbound/{id} follows it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field, field_validator

router = APIRouter()


class PlaceCall(BaseModel):
    to: str = Field(description="SIP URI to call, e.g. sip:+15551234567@pbx.example.com")
    dialog: str | None = Field(None, description="dialog name; the server's default when absent")
    variables: dict[str, Any] = Field(
        default_factory=dict, description="call variables for the dialog"
    )

    @field_validator("to")
    @classmethod
    def _sip_uri(cls, to: str) -> str:
        from telephony.sip.uri import parse_uri

        if not to.lower().startswith(("sip:", "sips:")):
            raise ValueError(
                "must be a SIP URI starting with sip: (e.g. sip:5550100@127.0.0.1:5062)"
            )
        try:
            parse_uri(to)
        except ValueError as exc:
            raise ValueError(f"not a valid SIP URI: {exc}") from exc
        return to


def _dialer(request: Request) -> Any:
    dialer = getattr(request.app.state.runtime, "dialer", None)
    if dialer is None:
        raise HTTPException(
            503, "outbound calls need the SIP server (voicebot serve without --no-sip)"
        )
    return dialer


@router.post("/api/calls", status_code=202)
async def place_call(body: PlaceCall, request: Request) -> dict[str, Any]:
    dialer = _dialer(request)
    dialog = body.dialog or request.app.state.runtime.default_dialog
    try:
        attempt = dialer.place(body.to, dialog, body.variables)
    except KeyError as exc:
        raise HTTPException(404, str(exc.args[0])) from exc
    return attempt.to_json() | {"status_url": f"/api/calls/outbound/{attempt.id}"}


@router.get("/api/calls/outbound/{attempt_id}")
async def outbound_status(attempt_id: str, request: Request) -> dict[str, Any]:
    attempt = _dialer(request).get(attempt_id)
    if attempt is None:
        raise HTTPException(404, f"no outbound call {attempt_id!r}")
    return attempt.to_json()
