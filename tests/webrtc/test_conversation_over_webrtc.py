"""The real conversation engine and rule dialog behind the WebRTC leg, with fake speech engines.

An aiortc caller on 127.0.0.1 hears the greeting, says something, and hears the reply; the
WebSocket carries the transcript, the bot's replies, the dialog state and the turn latencies.
"""

from __future__ import annotations

import asyncio
import json

import numpy as np
import websockets

from telephony.webrtc.caller import ScriptedCaller

from .fakes import BOT_LEVEL, fake_services
from .on_loopback import LOOPBACK
from .test_loopback import offer_poster, tone, until


async def test_a_browser_like_caller_talks_to_the_rule_dialog(live_server):
    async with live_server(services=fake_services()) as server:
        caller = ScriptedCaller(host_addresses=LOOPBACK)
        call_id = await caller.connect(offer_poster(server.url, "rule:demo"))
        events: list[dict] = []
        ws_url = server.url.replace("http", "ws") + f"/ws/calls/{call_id}"
        async with websockets.connect(ws_url) as ws:

            async def read_events() -> None:
                async for message in ws:
                    events.append(json.loads(message))

            reader = asyncio.ensure_future(read_events())
            await until(lambda: caller.first_speech_after(0) is not None)  # the greeting
            await until(lambda: any(e["type"] == "turn_metrics" for e in events))
            await asyncio.sleep(0.3)
            caller.say(tone(200, 1.0, 8000))
            await until(lambda: caller.mic.spoken_until is not None)
            await until(lambda: sum(e["type"] == "bot_speech" for e in events) >= 2)
            await until(lambda: caller.first_speech_after(caller.mic.spoken_until) is not None)
            await caller.hang_up()
            await until(lambda: any(e["type"] == "call_ended" for e in events))
            reader.cancel()

        finals = [e["text"] for e in events if e["type"] == "transcript" and e["kind"] == "final"]
        replies = [e["text"] for e in events if e["type"] == "bot_speech"]
        assert finals == ["check my balance"]
        assert replies[0].startswith("Hello, thanks for calling Demo Bank")
        assert replies[1].startswith("Your balance is one hundred and twenty dollars")
        states = [e for e in events if e["type"] == "dialog_state"]
        assert states[-1]["intent"] == "check_balance"
        turn = [e for e in events if e["type"] == "turn_metrics" and e["trigger"] == "said"][0]
        assert 0 < turn["latency_ms"]["turn"] < 2000
        heard = caller.heard_audio(since=caller.mic.spoken_until)
        assert np.abs(heard).max() > BOT_LEVEL // 2  # the reply's hum came through Opus
        await caller.close()
