"""Outbound calls and registration against SIPp playing callee, trunk and registrar."""

from __future__ import annotations

import asyncio

import pytest
from sip_helpers import needs_sipp, run_sipp, sip_server, sipp_uas, wait_for_hangup

from telephony.sip.call import CallOptions
from telephony.sip.client import SipClient, Trunk, outcome_of
from telephony.sip.registration import Registration
from telephony.sip.server import ServerOptions

pytestmark = [needs_sipp, pytest.mark.peers]


@pytest.mark.parametrize(("transport", "uri_param"), [("u1", ""), ("t1", ";transport=tcp")])
async def test_dial_answered_runs_the_call_and_the_bot_hangs_up(tmp_path, transport, uri_param):
    async with (
        sip_server(wait_for_hangup) as server,
        sipp_uas("uas_answer.xml", tmp_path, transport=transport) as (port, sipp),
    ):
        progress: list[int] = []
        result = await SipClient(server).dial(
            f"sip:5550100@127.0.0.1:{port}{uri_param}",
            headers=[("X-Campaign", "reminders")],
            on_progress=progress.append,
        )
        assert result.answered and result.leg is not None, result
        assert result.leg.remote_party == "5550100"
        assert progress == [100, 180] and result.provisional == (100, 180)
        assert server.calls  # tracked until it ends
        await result.leg.hangup("reminder delivered")
        outcome = await sipp
        assert outcome.ok, outcome.output + outcome.errors
        await asyncio.sleep(0.05)
        assert server.calls == {}


@pytest.mark.parametrize(("transport", "uri_param"), [("u1", ""), ("t1", ";transport=tcp")])
async def test_dial_busy(tmp_path, transport, uri_param):
    async with (
        sip_server(wait_for_hangup) as server,
        sipp_uas("uas_busy.xml", tmp_path, transport=transport) as (port, sipp),
    ):
        result = await SipClient(server).dial(f"sip:5550100@127.0.0.1:{port}{uri_param}")
        assert (result.outcome, result.status) == ("busy", 486)
        assert (await sipp).ok


async def test_dial_no_answer_cancels(tmp_path):
    async with (
        sip_server(wait_for_hangup) as server,
        sipp_uas("uas_no_answer.xml", tmp_path) as (port, sipp),
    ):
        result = await SipClient(server).dial(f"sip:5550100@127.0.0.1:{port}", ring_timeout=0.5)
        assert result.outcome == "no-answer" and result.provisional == (180,)
        outcome = await sipp
        assert outcome.ok, outcome.output + outcome.errors


async def test_dial_through_a_trunk_with_digest_auth(tmp_path):
    async with (
        sip_server(wait_for_hangup) as server,
        sipp_uas("uas_digest.xml", tmp_path) as (port, sipp),
    ):
        trunk = Trunk(
            proxy=f"sip:127.0.0.1:{port}",
            username="bot",
            password="s3cret",
            from_domain="bot.example",
        )
        result = await SipClient(server, trunk=trunk).dial("sip:5550100@carrier.example")
        assert result.answered, result
        await result.leg.hangup()
        outcome = await sipp
        assert outcome.ok, outcome.output + outcome.errors


async def test_register_with_digest_auth(tmp_path):
    async with (
        sip_server(wait_for_hangup) as server,
        sipp_uas("uas_register.xml", tmp_path) as (port, sipp),
    ):
        registration = Registration(
            server, f"sip:127.0.0.1:{port}", user="2001", password="pw2001", expires=600
        )
        assert await registration.register() == 120
        assert registration.registered.is_set()
        outcome = await sipp
        assert outcome.ok, outcome.output + outcome.errors


def test_outcomes():
    assert [outcome_of(s) for s in (200, 486, 600, 480, 487, 503, 408, 403, 603)] == [
        "answered", "busy", "busy", "unavailable", "cancelled", "unavailable", "no-answer", "rejected", "rejected",
    ]  # fmt: skip


async def test_bridged_transfer_calls_the_agent_with_context_and_relays_until_hangup(tmp_path):
    results = []

    async def on_call(leg):
        context = {"call_id": leg.call_id, "intent": "billing", "summary": "dispute"}
        results.append(await leg.transfer(f"sip:agent@127.0.0.1:{agent_port}", context))

    options = ServerOptions(call=CallOptions(transfer_mode="bridge"))
    async with sipp_uas("uas_agent_hangs_up.xml", tmp_path) as (agent_port, agent):
        async with sip_server(on_call, options=options) as server:
            caller = await run_sipp("uac_bye_from_bot.xml", server.port, workdir=tmp_path)
            assert caller.ok, caller.output + caller.errors
        agent_result = await agent
        assert agent_result.ok, agent_result.output + agent_result.errors
    assert results[0].accepted and results[0].detail.startswith("bridged; ended by agent"), results


async def test_registration_refreshes_before_expiry_and_unregisters(tmp_path):
    delays: list[float] = []
    async with (
        sip_server(wait_for_hangup) as server,
        sipp_uas("uas_register_refresh.xml", tmp_path) as (port, sipp),
    ):
        refreshed = asyncio.Event()

        async def sleep(delay: float) -> None:  # virtual waiting: the refresh is due at 80% of 2 s
            delays.append(delay)
            if len(delays) == 2:
                refreshed.set()
                await asyncio.Event().wait()  # park until cancelled

        registration = Registration(
            server, f"sip:127.0.0.1:{port}", user="2001", password="pw2001", expires=2, sleep=sleep
        )
        runner = asyncio.create_task(registration.run())
        await asyncio.wait_for(refreshed.wait(), 10)
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        assert delays == [1.6, 1.6] and registration.granted == 2
        await registration.stop()
        assert not registration.registered.is_set()
        outcome = await sipp
        assert outcome.ok, outcome.output + outcome.errors
