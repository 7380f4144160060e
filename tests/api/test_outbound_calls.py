"""POST /api/calls dials out over SIP (SIPp plays the callee), runs the dialog when answered and
reports the outcome; unanswered attempts are kept in the call store too."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import httpx
import pytest

from telephony.leg import CallLeg
from telephony.sip.client import SipClient
from tests.sip.sip_helpers import needs_sipp, sip_server, sipp_uas, wait_for_hangup
from voicebot.api.app import create_app
from voicebot.api.calls import CallRegistry
from voicebot.api.outbound import OutboundDialer
from voicebot.api.runtime import AppRuntime
from voicebot.settings import Settings
from voicebot.store import CallStore

pytestmark = [needs_sipp, pytest.mark.peers]


async def greet_and_hang_up(leg: CallLeg, dialog: str, variables, on_event):
    """A stand-in for the conversation: it checks what the dialog would get, then ends the call."""
    assert variables["direction"] == "outbound"
    assert variables["first_name"] == "Ada"
    await leg.hangup("reminder delivered")
    return SimpleNamespace(outcome="confirmed", call_id=leg.call_id)


async def _wait_ended(client: httpx.AsyncClient, url: str) -> dict:
    for _ in range(200):
        status = (await client.get(url)).json()
        if status["state"] == "ended":
            return status
        await asyncio.sleep(0.05)
    raise AssertionError(f"outbound call still running: {status}")


@pytest.fixture
async def outbound_api(tmp_path):
    async with sip_server(wait_for_hangup) as server:
        runtime = AppRuntime(
            Settings(),
            dialogs={"appointment_reminder": object()},
            default_dialog="appointment_reminder",
            store=CallStore(f"sqlite:///{tmp_path / 'calls.db'}"),
        )
        runtime.calls = CallRegistry(greet_and_hang_up)
        runtime.dialer = OutboundDialer(runtime, SipClient(server), ring_timeout=2.0)
        transport = httpx.ASGITransport(app=create_app(runtime))
        async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
            yield client, runtime
        await runtime.dialer.close()
        await runtime.calls.close()


async def test_an_answered_call_runs_the_dialog_and_reports_its_outcome(outbound_api, tmp_path):
    client, runtime = outbound_api
    async with sipp_uas("uas_answer_any.xml", tmp_path) as (port, sipp):
        placed = await client.post(
            "/api/calls",
            json={"to": f"sip:5550100@127.0.0.1:{port}", "variables": {"first_name": "Ada"}},
        )
        assert placed.status_code == 202, placed.text
        assert placed.json()["dialog"] == "appointment_reminder"
        status = await _wait_ended(client, placed.json()["status_url"])
        assert (await sipp).ok

    assert status["dial_outcome"] == "answered"
    assert status["outcome"] == "confirmed"
    assert status["call_id"]


async def test_a_busy_callee_is_reported_and_stored(outbound_api, tmp_path):
    client, runtime = outbound_api
    async with sipp_uas("uas_busy.xml", tmp_path) as (port, sipp):
        placed = await client.post("/api/calls", json={"to": f"sip:5550100@127.0.0.1:{port}"})
        status = await _wait_ended(client, placed.json()["status_url"])
        assert (await sipp).ok

    assert (status["outcome"], status["sip_status"]) == ("busy", 486)
    stored = await asyncio.to_thread(runtime.store.get, status["id"])
    assert stored is not None and stored.direction == "outbound" and stored.outcome == "busy"


async def test_bad_requests_are_refused_with_reasons(outbound_api):
    client, _ = outbound_api
    not_sip = await client.post("/api/calls", json={"to": "+15551234567"})
    assert not_sip.status_code == 422
    assert "SIP URI" in not_sip.text
    unknown = await client.post("/api/calls", json={"to": "sip:1@127.0.0.1", "dialog": "pizza"})
    assert unknown.status_code == 404
    assert "pizza" in unknown.json()["detail"]
    assert (await client.get("/api/calls/outbound/nope")).status_code == 404
