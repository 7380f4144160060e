"""Concurrent SIP calls with audio and live ASR against a real `voicebot serve` subprocess.

Each call (tests/system/probe_caller.py) dials the bank dialog over SIP, waits out the greeting,
says "I lost my card." over RTP (Piper speech, PCMU) and times the answer as the caller hears it:
send time of the last speech packet -> arrival of the first loud packet of the bot's answer. So the
figure includes the endpointer's closing silence, ASR, dialog, TTS (cached prompt) and playout.
Calls start STAGGER_S apart (as in bench_turns), so turns overlap without marching in step; each
call ends after that one turn. N = 1, 10 and 40 (BENCH_CALLS_N="1,10,40" to change), then the
server's peak RSS. Server and callers share this machine's cores.

Only clean turns are timed: the bot was quiet while the caller spoke, and the server's record of
the call shows the utterance understood as lost_card before any reprompt. Every other call counts
as failed, with its reason, so an overloaded server cannot look fast by answering the wrong thing.
"""

from __future__ import annotations

import asyncio
import os
import resource
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np

from benchmarks.figures import Figure
from tests.system.probe_caller import (
    ProbeCaller,
    ProbeConfig,
    TurnResult,
    percentile,
    utterance_payloads,
)
from tests.system.server_process import start_server
from voicebot.audio.resample import resample
from voicebot.settings import Settings

STAGGER_S = 0.25
UTTERANCE = "I lost my card."
INTENT = "lost_card"
TARGET_CALLS = 40
TARGET_P95_S = 1.0
GREETING_SHARE = 0.85  # callers speak once they heard this much of the greeting and then quiet


def _counts() -> list[int]:
    return [int(n) for n in os.environ.get("BENCH_CALLS_N", "1,10,40").split(",") if n.strip()]


def caller_speech() -> list[bytes]:
    """The utterance as 20 ms PCMU payloads, trimmed so its last packet holds its last sound."""
    from voicebot.models import load_synthesizer

    synthesizer = load_synthesizer(Settings().tts)
    audio = resample(synthesizer.synthesize(UTTERANCE), synthesizer.sample_rate, 8000)
    loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > 300)
    return utterance_payloads(audio[loud[0] : loud[-1] + 1])


async def warm_up(target: str, speech: list[bytes]) -> float:
    """One unmeasured call: hears the whole greeting (its loud seconds are returned), then a turn,
    so the first measured decode and classification do not pay for lazy first-use work."""
    async with ProbeCaller() as probe:
        greeting = await probe.measure_greeting(target)
        config = ProbeConfig(greeting_loud_s=GREETING_SHARE * greeting)
    async with ProbeCaller(config) as probe:
        await probe.one_turn(target, "warm-up", speech)
    return greeting


async def concurrent_turns(
    target: str, calls: int, speech: list[bytes], config: ProbeConfig
) -> list[TurnResult]:
    async with ProbeCaller(config) as probe:

        async def one(index: int) -> TurnResult:
            await asyncio.sleep(index * STAGGER_S)
            try:
                return await probe.one_turn(target, f"bench{calls}x{index}", speech)
            except Exception as exc:  # one broken call is a figure, not the end of the run
                return TurnResult(f"bench{calls}x{index}", f"error: {type(exc).__name__}: {exc}")

        return await asyncio.gather(*(one(i) for i in range(calls)))


@dataclass
class ServerView:
    """What the server's own records say about one round's calls."""

    understood: set[str]  # callers whose first input became a lost_card turn
    latencies: list[float]  # those turns' latency as the server logged it, seconds
    first_inputs: Counter[str]  # how each call's first input was taken, e.g. "no_input"


def server_view(http_url: str, caller_prefix: str, calls: int) -> ServerView:
    with httpx.Client(base_url=http_url, timeout=10) as http:
        mine: list[dict] = []
        for _ in range(50):  # records are stored just after each call's BYE
            listed = http.get("/api/history", params={"limit": 500}).json()["calls"]
            mine = [c for c in listed if c["remote_party"].startswith(caller_prefix)]
            if len(mine) >= calls:
                break
            time.sleep(0.2)
        view = ServerView(set(), [], Counter({"no record": calls - len(mine)}))
        for call in mine:
            turns = http.get(f"/api/history/{call['id']}").json()["record"]["turns"]
            inputs = [t for t in turns if t["trigger"] != "call_started"]
            if not inputs:
                view.first_inputs["nothing"] += 1
                continue
            first = inputs[0]
            view.first_inputs[f"{first['trigger']} {first['intent'] or ''}".strip()] += 1
            if first["trigger"] == "said" and first["intent"] == INTENT:
                view.understood.add(call["remote_party"])
                if first["latency_ms"]["turn"] is not None:
                    view.latencies.append(first["latency_ms"]["turn"] / 1000)
        return view


def _p50_p95(values: list[float]) -> str:
    return f"p50 {percentile(values, 50) * 1000:.0f} / p95 {percentile(values, 95) * 1000:.0f} ms"


def round_figures(
    calls: int, results: list[TurnResult], view: ServerView
) -> tuple[list[Figure], bool]:
    """Caller-side p50/p95 over the clean, understood turns; whether the round met the target."""
    timed = [r for r in results if r.latency_s is not None and r.caller in view.understood]
    failed = [r for r in results if r not in timed]
    target = f"p95 <= {TARGET_P95_S * 1000:.0f} ms" if calls >= TARGET_CALLS else ""
    name = f"turn latency, {calls} concurrent SIP call{'s' if calls > 1 else ''} (caller side)"
    latencies = [r.latency_s for r in timed if r.latency_s is not None]
    if not latencies:
        return [Figure(name, "no clean turns", target, False if target else None)], False
    value = _p50_p95(latencies) + (f", {len(failed)} failed" if failed else "")
    met = percentile(latencies, 95) <= TARGET_P95_S and not failed
    figures = [Figure(name, value, target, met if target else None)]
    if view.latencies:
        figures.append(
            Figure(
                f"  the server's own record ({len(view.latencies)} turns)", _p50_p95(view.latencies)
            )
        )
    if failed:
        caller_side = Counter(
            r.outcome if r.outcome != "answered" else "answered, but not as lost_card"
            for r in failed
        )
        figures.append(Figure("  failed, caller side", _tally(caller_side)))
        figures.append(Figure("  first input, server side", _tally(view.first_inputs)))
    return figures, met


def _tally(counts: Counter[str]) -> str:
    return ", ".join(f"{n} {what}" for what, n in counts.most_common() if n)[:70]


def run() -> list[Figure]:
    speech = caller_speech()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="bench_calls-") as workdir:
        server = start_server(Path(workdir))
        try:
            server.wait_healthy()
            target = f"sip:bot@{server.sip_address}"
            greeting = asyncio.run(warm_up(target, speech))
            config = ProbeConfig(greeting_loud_s=GREETING_SHARE * greeting)
            good: list[int] = []
            load_before = os.getloadavg()[0]
            cpu_before = resource.getrusage(resource.RUSAGE_SELF)
            for calls in _counts():
                results = asyncio.run(concurrent_turns(target, calls, speech, config))
                view = server_view(server.http_url, f"bench{calls}x", calls)
                round_, met = round_figures(calls, results, view)
                figures.extend(round_)
                print(f"  {calls} calls: {round_[0].value}", flush=True)
                if met:
                    good.append(calls)
            cpu_after = resource.getrusage(resource.RUSAGE_SELF)
            rss = server.peak_rss_mib()
            if rss is not None:
                figures.append(Figure("voicebot serve peak RSS over these calls", f"{rss:.0f} MiB"))
            callers_cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (
                cpu_before.ru_utime + cpu_before.ru_stime
            )
            figures.append(
                Figure("CPU used by the probe callers (same cores)", f"{callers_cpu:.1f} s")
            )
            figures.append(
                Figure(
                    "load average before / after the rounds (all processes)",
                    f"{load_before:.1f} / {os.getloadavg()[0]:.1f}",
                )
            )
            best = max(good, default=0)
            figures.append(
                Figure(
                    f"most concurrent calls tried with p95 <= {TARGET_P95_S:g} s, none failed",
                    str(best),
                    f">= {TARGET_CALLS}",
                    best >= TARGET_CALLS,
                )
            )
        finally:
            code = server.stop()
        if code != 0:
            figures.append(Figure("voicebot serve exit code on SIGINT", str(code), "0", False))
    return figures
