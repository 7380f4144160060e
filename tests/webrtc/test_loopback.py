"""An aiortc caller calls the real HTTP server on 127.0.0.1: signaling, media both ways, keys, hangups."""

from __future__ import annotations

import asyncio
import json

import httpx
import numpy as np
import pytest
import websockets

from telephony.webrtc import nominated_pairs
from telephony.webrtc.caller import ScriptedCaller
from telephony.webrtc.sdp_candidates import candidate_addresses
from tests.webrtc.fakes import echo_runner
from tests.webrtc.on_loopback import LOOPBACK, assert_stayed_on_loopback


def tone(freq: float, seconds: float, amplitude: int = 8000) -> np.ndarray:
    t = np.arange(int(seconds * 16_000)) / 16_000
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.int16)


def offer_poster(base_url: str, dialog: str | None = None):
    async def send(offer: dict[str, str]) -> dict[str, str]:
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
            response = await http.post("/webrtc/offer", json={**offer, "dialog": dialog})
            response.raise_for_status()
            return response.json()

    return send


async def until(predicate, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.02)):  # bounded wait on real media
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out waiting on the call")


async def test_caller_audio_reaches_the_engine_and_comes_back(live_server, udp_watch):
    async with live_server(echo_runner) as server:
        caller = ScriptedCaller(host_addresses=LOOPBACK)
        call_id = await caller.connect(offer_poster(server.url))
        assert call_id in {c.call_id for c in server.calls.active_calls()}
        sent_at = asyncio.get_running_loop().time()
        caller.say(tone(440, 1.0))
        await until(lambda: caller.first_speech_after(0) is not None)
        await asyncio.sleep(1.0)
        heard = caller.heard_audio()
        loud = heard[np.abs(heard) > 2000]
        assert len(loud) > 8000, "most of the 1 s tone came back"
        spectrum = np.abs(np.fft.rfft(heard[-16000:].astype(float)))
        assert abs(np.argmax(spectrum) * 16000 / 16000 - 440) < 5
        assert asyncio.get_running_loop().time() - sent_at < 5
        server_leg = server.calls.get(call_id).leg
        assert_stayed_on_loopback(
            server_leg.ice_pairs() + nominated_pairs(caller.pc),
            loopback_sdps=[caller.pc.localDescription.sdp, caller.pc.remoteDescription.sdp],
            watch=udp_watch,
        )
        await caller.hang_up()
        record = await asyncio.wait_for(server.calls.wait_ended(call_id), 10)
        assert record == "remote hangup"
        assert len(server.calls) == 0


async def test_keys_reach_the_engine_and_events_reach_the_websocket(live_server):
    async with live_server(echo_runner) as server:
        caller = ScriptedCaller(host_addresses=LOOPBACK)
        call_id = await caller.connect(offer_poster(server.url, "rule:demo"))
        ws_url = server.url.replace("http", "ws") + f"/ws/calls/{call_id}"
        async with websockets.connect(ws_url) as ws:
            first = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert first["type"] == "call_started" and first["dialog"] == "rule:demo"
            assert json.loads(await ws.recv())["text"] == "echo on rule:demo"
            caller.press("7")
            pressed = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert pressed == {
                "type": "transcript",
                "kind": "final",
                "text": "pressed 7",
                "call_id": call_id,
            }
            caller.press("#")  # the fake engine hangs up on "#"
            await until(lambda: caller.hung_up_by_bot)
            ended = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert ended["type"] == "call_ended" and ended["reason"] == "completed"
        await caller.close()


async def test_bad_offers_and_unknown_dialogs_get_clear_errors(live_server):
    async with live_server(echo_runner) as server:
        async with httpx.AsyncClient(base_url=server.url) as http:
            no_audio = await http.post("/webrtc/offer", json={"sdp": "v=0\r\n", "type": "offer"})
            assert no_audio.status_code == 400
            assert "no audio" in no_audio.json()["detail"]
            garbage = await http.post(
                "/webrtc/offer", json={"sdp": "m=audio junk", "type": "offer"}
            )
            assert garbage.status_code == 400
            wrong_type = await http.post("/webrtc/offer", json={"sdp": "x", "type": "answer"})
            assert wrong_type.status_code == 422
            caller = ScriptedCaller(host_addresses=LOOPBACK)
            try:
                await caller.connect(offer_poster(server.url, "no-such-dialog"))
            except httpx.HTTPStatusError as exc:
                assert exc.response.status_code == 404
                assert "rule:demo" in exc.response.json()["detail"]
            else:
                raise AssertionError("an unknown dialog was accepted")
            finally:
                await caller.close()
            assert len(server.calls) == 0


async def test_a_websocket_reader_that_leaves_is_unsubscribed_at_once(live_server):
    async with live_server(echo_runner) as server:
        caller = ScriptedCaller(host_addresses=LOOPBACK)
        call_id = await caller.connect(offer_poster(server.url))
        channel = server.calls.get(call_id).events
        ws_url = server.url.replace("http", "ws") + f"/ws/calls/{call_id}"
        async with websockets.connect(ws_url) as ws:
            assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "call_started"
            assert channel.subscriber_count == 1
        await until(lambda: channel.subscriber_count == 0, seconds=5)
        assert len(server.calls) == 1  # the call itself goes on
        await caller.hang_up()


async def test_the_answer_offers_only_the_configured_host_addresses(live_server):
    async with live_server(echo_runner) as server:
        assert server.runtime.settings.webrtc.host_addresses == ["127.0.0.1"]
        answers: list[dict[str, str]] = []
        post = offer_poster(server.url)

        async def post_and_keep(offer: dict[str, str]) -> dict[str, str]:
            answers.append(await post(offer))
            return answers[-1]

        caller = ScriptedCaller(host_addresses=LOOPBACK)
        await caller.connect(post_and_keep)
        hosts = {host for host, _ in candidate_addresses(answers[0]["sdp"])}
        assert hosts == {"127.0.0.1"}
        await caller.hang_up()


async def test_host_addresses_that_are_not_this_machines_refuse_calls_clearly(live_server):
    async with live_server(echo_runner) as server:
        server.runtime.settings.webrtc.host_addresses = ["203.0.113.9"]  # TEST-NET-3, not ours
        caller = ScriptedCaller(host_addresses=LOOPBACK)
        try:
            with pytest.raises(httpx.HTTPStatusError) as refused:
                await caller.connect(offer_poster(server.url))
        finally:
            await caller.close()
        assert refused.value.response.status_code == 503
        detail = refused.value.response.json()["detail"]
        assert "203.0.113.9" in detail and "webrtc.host_addresses" in detail
        assert len(server.calls) == 0
