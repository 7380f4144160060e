"""Turn latency over the WebRTC leg: aiortc callers on 127.0.0.1 talk to the rule dialog with the
real models (Whisper tiny.en, Piper joe) through POST /webrtc/offer on a uvicorn server.

Each turn the caller says one Piper-spoken line after the bot has gone quiet. Per turn:
- at the leg (the issue's figure), measured by the WebRTC leg itself (TurnGapMeter): the last loud
  caller frame arriving at the leg -> the first loud reply frame leaving it for aiortc's sender;
- the engine's turn_metrics (its own last voiced frame -> first reply frame handed to the leg;
  it may start a reply before its endpointer's silence ends, from a speculative decode);
- heard by the caller: its last loud sample leaving its microphone -> the first loud reply frame
  arriving back. This adds what the wire costs: Opus both ways and aiortc's receive jitter
  buffers (4 packets, 80 ms, in the server and again in this aiortc caller; a browser's is
  adaptive and usually smaller on a LAN).
Server and callers share one process and event loop, so callers' decoding competes with the bot.
Both sides gather ICE candidates on 127.0.0.1 only (Settings.webrtc.host_addresses and
ScriptedCaller(host_addresses=...)), so no packet leaves loopback.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import statistics
from collections.abc import AsyncIterator

import httpx
import numpy as np
import uvicorn

from benchmarks.figures import Figure
from telephony.webrtc import nominated_pairs
from telephony.webrtc.caller import ScriptedCaller
from telephony.webrtc.sdp_candidates import is_loopback_host
from voicebot.api.app import create_app
from voicebot.api.calls import CallRegistry, conversation_runner
from voicebot.api.runtime import AppRuntime
from voicebot.conversation.rule_dialog import demo_dialog
from voicebot.conversation.services import open_services
from voicebot.settings import Settings, WebRtcSettings

LINE = "What is my balance?"
TURNS_ONE_CALL = 6
CONCURRENT_CALLS = 5
TURNS_EACH_CONCURRENT = 3
QUIET_S = 1.5  # the bot counts as done speaking after this long without a loud frame
TARGET_P50_MS = 500
LOOPBACK = ["127.0.0.1"]


@contextlib.asynccontextmanager
async def _server(runtime: AppRuntime) -> AsyncIterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(
        uvicorn.Config(create_app(runtime), log_level="warning", lifespan="off")
    )
    task = asyncio.ensure_future(server.serve(sockets=[sock]))
    for _ in range(500):
        if server.started:
            break
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        await runtime.calls.close()
        server.should_exit = True
        await asyncio.wait_for(task, 10)
        sock.close()


def _trimmed(samples: np.ndarray, threshold: int = 300) -> np.ndarray:
    loud = np.flatnonzero(np.abs(samples) > threshold)
    return samples[loud[0] : loud[-1] + 1] if len(loud) else samples


async def _wait(predicate, seconds: float) -> None:
    for _ in range(int(seconds / 0.02)):
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise TimeoutError(f"no result within {seconds} s")


async def _wait_quiet(caller: ScriptedCaller, since: float, seconds: float = 30.0) -> None:
    """Until the bot has spoken after `since` and then been quiet for QUIET_S."""
    loop = asyncio.get_running_loop()

    def quiet() -> bool:
        loud = [f.at for f in caller.heard if f.at >= since and f.dbfs > -45.0]
        return bool(loud) and loop.time() - loud[-1] > QUIET_S

    await _wait(quiet, seconds)


async def _first_bot_audio(caller: ScriptedCaller, since: float) -> float:
    def heard() -> bool:
        return caller.first_speech_after(since) is not None

    await _wait(heard, 15)
    return caller.first_speech_after(since) or since


CallResult = tuple[str, list[float], bool]  # call id, heard latencies, ICE pair on loopback


async def _one_call(url: str, line: np.ndarray, turns: int) -> CallResult:
    caller = ScriptedCaller(host_addresses=LOOPBACK)

    async def post(offer: dict[str, str]) -> dict[str, str]:
        async with httpx.AsyncClient(base_url=url, timeout=20) as http:
            response = await http.post("/webrtc/offer", json={**offer, "dialog": "rule:demo"})
            response.raise_for_status()
            return response.json()

    call_id = await caller.connect(post)
    latencies: list[float] = []
    try:
        await _wait_quiet(caller, since=0.0)  # the greeting
        pairs = nominated_pairs(caller.pc)
        on_loopback = bool(pairs) and all(
            is_loopback_host(local[0]) and is_loopback_host(remote[0]) for local, remote in pairs
        )
        for _ in range(turns):
            caller.say(line)
            await _wait(lambda: not caller.mic.speaking and caller.mic.spoken_until is not None, 10)
            await asyncio.sleep(0.05)
            last_sound = caller.mic.spoken_until
            latencies.append(await _first_bot_audio(caller, last_sound) - last_sound)
            await _wait_quiet(caller, since=last_sound)
    finally:
        await caller.hang_up()
    return call_id or "", latencies, on_loopback


def _engine_turns_ms(runtime: AppRuntime, call_ids: list[str]) -> list[float]:
    values = []
    for call_id in call_ids:
        for event in runtime.calls.get(call_id).events.history:
            if event.get("type") == "turn_metrics" and event.get("trigger") == "said":
                turn = event["latency_ms"]["turn"]
                if turn is not None:
                    values.append(float(turn))
    return values


def _leg_gaps_ms(runtime: AppRuntime, call_ids: list[str]) -> list[float]:
    return [1000 * gap for c in call_ids for gap in runtime.calls.get(c).leg.turn_gaps.gaps]


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} ms" if values else "n/a"


def _p95(values: list[float]) -> str:
    if not values:
        return "n/a"
    return f"{float(np.percentile(values, 95)):.0f} ms"


async def _bench() -> list[Figure]:
    settings = Settings(webrtc=WebRtcSettings(host_addresses=LOOPBACK))
    dialog = demo_dialog()
    async with open_services(settings, prompts=dialog.static_prompts()) as services:
        line = _trimmed(await services.speech.synthesize(LINE))
        runtime = AppRuntime(
            settings=settings,
            dialogs={"rule:demo": dialog},
            default_dialog="rule:demo",
            services=services,
        )
        runtime.calls = CallRegistry(conversation_runner(runtime))
        async with _server(runtime) as url:
            one_id, one, one_on_loopback = await _one_call(url, line, TURNS_ONE_CALL)
            one_ms = [1000 * x for x in one]
            runs = await asyncio.gather(
                *(_one_call(url, line, TURNS_EACH_CONCURRENT) for _ in range(CONCURRENT_CALLS))
            )
            many_ms = [1000 * x for _, values, _ in runs for x in values]
            many_ids = [call_id for call_id, _, _ in runs]
            on_loopback = [one_on_loopback, *(ok for _, _, ok in runs)]
            dropped = sum(runtime.calls.get(c).leg.bot_track.dropped for c in [one_id, *many_ids])
            at_leg_one = _leg_gaps_ms(runtime, [one_id])
            at_leg_many = _leg_gaps_ms(runtime, many_ids)
            n = CONCURRENT_CALLS
            return [
                Figure(
                    f"turn latency p50 at the WebRTC leg, 1 call ({len(at_leg_one)} turns)",
                    _ms(at_leg_one),
                    f"<= {TARGET_P50_MS} ms",
                    bool(at_leg_one) and statistics.median(at_leg_one) <= TARGET_P50_MS,
                ),
                Figure(
                    "  same call, engine's turn_metrics p50",
                    _ms(_engine_turns_ms(runtime, [one_id])),
                ),
                Figure("  same call, heard by the aiortc caller p50", _ms(one_ms)),
                Figure(
                    f"turn latency p50 / p95 at the WebRTC leg, {n} calls at once ({len(at_leg_many)} turns)",
                    f"{_ms(at_leg_many)} / {_p95(at_leg_many)}",
                ),
                Figure(
                    "  same calls, engine's turn_metrics p50",
                    _ms(_engine_turns_ms(runtime, many_ids)),
                ),
                Figure(
                    "  same calls, heard by the aiortc callers p50 / p95",
                    f"{_ms(many_ms)} / {_p95(many_ms)}",
                ),
                Figure("bot frames dropped at the WebRTC legs (bounded queue)", str(dropped)),
                Figure(
                    "calls whose ICE pair was 127.0.0.1 <-> 127.0.0.1",
                    f"{sum(on_loopback)}/{len(on_loopback)}",
                    "all",
                    all(on_loopback),
                ),
            ]


def run() -> list[Figure]:
    return asyncio.run(_bench())
