"""The server against a real peer: SIPp UAC scenarios over UDP and TCP, no media."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
from sip_helpers import needs_sipp, run_sipp, sip_server, wait_for_hangup

from telephony.leg import DtmfDigit, LegHangup, TransferResult
from telephony.sip.leg import SipCallLeg
from telephony.sip.server import ServerOptions
from voicebot.audio import AudioFrame

pytestmark = [needs_sipp, pytest.mark.peers]
RFC4733_PCAPS = Path("/usr/share/sip-tester/dtmf_2833_1.pcap")


@pytest.mark.parametrize("transport", ["u1", "t1"])
async def test_basic_call_with_bye_from_the_caller(tmp_path, transport):
    seen: list[list[object]] = []
    parties: list[str] = []

    async def on_call(leg: SipCallLeg) -> None:
        parties.append(leg.remote_party)
        seen.append(await wait_for_hangup(leg))

    async with sip_server(on_call) as server:
        result = await run_sipp("uac_basic.xml", server.port, transport=transport, workdir=tmp_path)
        await asyncio.sleep(0.05)
        assert result.ok, result.output + result.errors
        assert parties == ["5551234"]
        assert isinstance(seen[0][-1], LegHangup) and seen[0][-1].reason == "remote hangup"
        assert server.calls == {}


@pytest.mark.parametrize("transport", ["u1", "t1"])
async def test_bye_from_the_bot(tmp_path, transport):
    async def on_call(leg: SipCallLeg) -> None:
        assert leg.headers.get("X-Account") == "42"
        await leg.hangup("goodbye")

    async with sip_server(on_call) as server:
        result = await run_sipp(
            "uac_bye_from_bot.xml", server.port, transport=transport, workdir=tmp_path
        )
        assert result.ok, result.output + result.errors


async def test_cancel_before_answer(tmp_path):
    handled: list[SipCallLeg] = []

    async def on_call(leg: SipCallLeg) -> None:
        handled.append(leg)

    async with sip_server(on_call, options=ServerOptions(ring_seconds=5)) as server:
        result = await run_sipp("uac_cancel.xml", server.port, workdir=tmp_path)
        await asyncio.sleep(0.05)
        assert result.ok, result.output + result.errors
        assert handled == []  # never answered, so never handed to the conversation
        assert server.calls == {}


async def test_options(tmp_path):
    async with sip_server(wait_for_hangup) as server:
        result = await run_sipp("uac_options.xml", server.port, workdir=tmp_path)
        assert result.ok, result.output + result.errors


async def test_info_dtmf_steers_the_bot(tmp_path):
    digits: list[str] = []

    async def on_call(leg: SipCallLeg) -> None:
        async for event in leg.events():
            if isinstance(event, DtmfDigit):
                digits.append(event.digit)
                if len(digits) == 2:
                    await leg.hangup("got the digits")
                    return

    async with sip_server(on_call) as server:
        result = await run_sipp("uac_info_dtmf.xml", server.port, workdir=tmp_path)
        assert result.ok, result.output + result.errors
        assert digits == ["4", "#"]


async def test_reinvite_hold_and_resume(tmp_path):
    # SIPp checks the answers: a=recvonly to its a=sendonly, then a=sendrecv again
    legs: list[SipCallLeg] = []

    async def on_call(leg: SipCallLeg) -> None:
        legs.append(leg)
        await wait_for_hangup(leg)

    async with sip_server(on_call) as server:
        result = await run_sipp("uac_hold_resume.xml", server.port, workdir=tmp_path)
        assert result.ok, result.output + result.errors
    assert legs and not legs[0].on_hold  # resumed at the end


async def test_refer_carries_the_context_and_ends_the_call(tmp_path):
    results: list[TransferResult] = []

    async def on_call(leg: SipCallLeg) -> None:
        context = {
            "call_id": leg.call_id,
            "intent": "billing",
            "summary": "wants to dispute a charge",
            "slots": "account=42;amount=19.99",
        }
        results.append(await leg.transfer("sip:agent@127.0.0.1:5070", context))

    async with sip_server(on_call) as server:
        result = await run_sipp("uac_refer.xml", server.port, workdir=tmp_path)
        assert result.ok, result.output + result.errors
    assert results[0].accepted, results[0].detail
    assert results[0].headers["X-Voicebot-Intent"] == "billing"


async def test_malformed_requests_are_answered_or_dropped_and_a_normal_call_still_works(tmp_path):
    async with sip_server(wait_for_hangup) as server:
        result = await run_sipp("uac_malformed.xml", server.port, workdir=tmp_path)
        assert result.ok, result.output + result.errors
        stats = server.endpoint.stats
        assert stats.malformed_answered >= 16
        assert stats.malformed_dropped >= 8


@pytest.mark.skipif(not RFC4733_PCAPS.exists(), reason="SIPp's DTMF pcaps are not installed")
async def test_rfc4733_dtmf_over_rtp_steers_the_bot(tmp_path):
    digits: list[str] = []

    async def on_call(leg: SipCallLeg) -> None:
        async for event in leg.events():
            if isinstance(event, DtmfDigit):
                digits.append(event.digit)
                if len(digits) == 2:
                    await leg.hangup("got the digits")
                    return

    async with sip_server(on_call) as server:
        result = await run_sipp("uac_rfc4733_dtmf.xml", server.port, workdir=tmp_path)
        assert result.ok, result.output + result.errors
    assert digits == ["1", "9"]


async def test_refer_whose_target_is_busy_keeps_the_call(tmp_path):
    results: list[TransferResult] = []

    async def on_call(leg: SipCallLeg) -> None:
        context = {
            "call_id": leg.call_id,
            "intent": "billing",
            "summary": "wants to dispute a charge",
        }
        results.append(await leg.transfer("sip:agent@127.0.0.1:5070", context))
        assert not leg.ended  # still our call: say sorry, then hang up
        await leg.hangup("transfer failed")

    async with sip_server(on_call) as server:
        result = await run_sipp("uac_refer_busy.xml", server.port, workdir=tmp_path)
        assert result.ok, result.output + result.errors
    assert not results[0].accepted and results[0].detail == "target answered 486 Busy Here"


async def test_bot_audio_reaches_the_caller_and_comes_back_over_rtp(tmp_path):
    # SIPp's -rtp_echo returns every RTP packet to its sender: the bot hears itself
    tone = (8000 * np.sin(2 * np.pi * 440 * np.arange(320) / 16000)).astype(np.int16)
    heard: list[float] = []

    async def on_call(leg: SipCallLeg) -> None:
        async def listen() -> None:
            async for event in leg.events():
                if isinstance(event, AudioFrame):
                    heard.append(float(np.sqrt(np.mean(event.samples.astype(np.float64) ** 2))))

        listener = asyncio.create_task(listen())
        started = asyncio.get_running_loop().time()
        for index in range(50):  # one second of tone, paced from the start time
            await leg.send_audio(AudioFrame(tone, timestamp=index * 0.02))
            await asyncio.sleep(
                max(0.0, started + (index + 1) * 0.02 - asyncio.get_running_loop().time())
            )
        await asyncio.sleep(0.3)
        await leg.hangup("done")
        await listener

    async with sip_server(on_call) as server:
        result = await run_sipp(
            "uac_bye_from_bot.xml", server.port, workdir=tmp_path, extra=["-rtp_echo"]
        )
        assert result.ok, result.output + result.errors
    loud = [rms for rms in heard if rms > 1000]
    assert len(loud) >= 25, f"heard {len(heard)} frames, {len(loud)} with the tone"


async def test_a_caller_who_sends_no_rtp_is_hung_up_after_the_media_timeout(tmp_path):
    from telephony.rtp.sip_media import RtpMediaSession

    ends: list[LegHangup] = []

    async def on_call(leg: SipCallLeg) -> None:
        events = await wait_for_hangup(leg)
        ends.append(events[-1])  # the handler returns; the server sends the BYE

    options = ServerOptions(media_factory=lambda ip: RtpMediaSession.open(ip, media_timeout_s=0.5))
    async with sip_server(on_call, options=options) as server:
        result = await run_sipp("uac_bye_from_bot.xml", server.port, workdir=tmp_path)
        assert result.ok, result.output + result.errors
    assert ends and ends[0].reason.startswith("no RTP")


async def test_bot_presses_a_key_by_sip_info_when_no_telephone_event_was_offered(tmp_path):
    async def on_call(leg: SipCallLeg) -> None:
        await leg.send_dtmf("7")
        await leg.hangup("pressed")

    async with sip_server(on_call) as server:
        result = await run_sipp("uac_dtmf_from_bot_info.xml", server.port, workdir=tmp_path)
        assert result.ok, result.output + result.errors


async def test_bot_presses_a_key_as_rfc4733_events_that_come_back_through_rtp_echo(tmp_path):
    heard: list[str] = []

    async def on_call(leg: SipCallLeg) -> None:
        async def listen() -> None:
            async for event in leg.events():
                if isinstance(event, DtmfDigit):
                    heard.append(event.digit)
                    return

        listener = asyncio.create_task(listen())
        await leg.send_dtmf("7", 120)
        await asyncio.wait({listener}, timeout=3)
        listener.cancel()
        await leg.hangup("pressed")

    async with sip_server(on_call) as server:
        result = await run_sipp(
            "uac_bye_from_bot.xml", server.port, workdir=tmp_path, extra=["-rtp_echo"]
        )
        assert result.ok, result.output + result.errors
    assert heard == ["7"]
