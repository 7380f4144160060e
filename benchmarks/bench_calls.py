"""Concurrent SIP calls with audio and live ASR against a real `voicebot serve` subprocess.

Each call (tests/system/probe_caller.py) dials the bank dialog over SIP, waits out the greeting,
says "I lost my card." over RTP (Piper speech, PCMU) and times the answer as the caller hears it:
send time of the last speech packet -> arrival of the first loud packet of the bot's answer. So the
figure includes the endpointer's closing silence, ASR, dialog, TTS (cached prompt) and playout.
Calls start STAGGER_S apart (as in bench_turns), so turns overlap without marching in step; each
call ends after that one turn. N = 1, 10 and 40 (BENCH_CALLS_N="1,10,40" to change), then the
server's peak RSS. Server and callers share this machine's cores.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.figures import Figure
from tests.system.probe_caller import ProbeCaller, TurnResult, percentile, utterance_payloads
from tests.system.server_process import start_server
from voicebot.audio.resample import resample
from voicebot.settings import Settings

STAGGER_S = 0.25
UTTERANCE = "I lost my card."
TARGET_CALLS = 40
TARGET_P95_S = 1.0


def _counts() -> list[int]:
    return [int(n) for n in os.environ.get("BENCH_CALLS_N", "1,10,40").split(",") if n.strip()]


def caller_speech() -> list[bytes]:
    """The utterance as 20 ms PCMU payloads, trimmed so its last packet holds its last sound."""
    from voicebot.models import load_synthesizer

    synthesizer = load_synthesizer(Settings().tts)
    audio = resample(synthesizer.synthesize(UTTERANCE), synthesizer.sample_rate, 8000)
    loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > 300)
    return utterance_payloads(audio[loud[0] : loud[-1] + 1])


async def concurrent_turns(target: str, calls: int, speech: list[bytes]) -> list[TurnResult]:
    async with ProbeCaller() as probe:

        async def one(index: int) -> TurnResult:
            await asyncio.sleep(index * STAGGER_S)
            try:
                return await probe.one_turn(target, f"bench{calls}x{index}", speech)
            except Exception as exc:  # one broken call is a figure, not the end of the run
                return TurnResult(f"bench{calls}x{index}", f"error: {type(exc).__name__}: {exc}")

        return await asyncio.gather(*(one(i) for i in range(calls)))


def latency_figure(calls: int, results: list[TurnResult]) -> tuple[Figure, float | None]:
    latencies = [r.latency_s for r in results if r.latency_s is not None]
    failed = [r for r in results if r.latency_s is None]
    target = f"p95 <= {TARGET_P95_S * 1000:.0f} ms" if calls >= TARGET_CALLS else ""
    name = f"turn latency, {calls} concurrent SIP call{'s' if calls > 1 else ''} (caller side)"
    if not latencies:
        reasons = sorted({r.outcome for r in failed})
        return Figure(name, f"no answers ({'; '.join(reasons)[:60]})", target, False), None
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    value = f"p50 {p50 * 1000:.0f} / p95 {p95 * 1000:.0f} ms"
    if failed:
        value += f", {len(failed)} unanswered"
    ok = (p95 <= TARGET_P95_S and not failed) if target else None
    return Figure(name, value, target, ok), (p95 if not failed else None)


def run() -> list[Figure]:
    speech = caller_speech()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="bench_calls-") as workdir:
        server = start_server(Path(workdir))
        try:
            server.wait_healthy()
            target = f"sip:bot@{server.sip_address}"
            good: list[int] = []
            for calls in _counts():
                results = asyncio.run(concurrent_turns(target, calls, speech))
                figure, p95 = latency_figure(calls, results)
                figures.append(figure)
                print(f"  {calls} calls: {figure.value}", flush=True)
                if p95 is not None and p95 <= TARGET_P95_S:
                    good.append(calls)
            rss = server.peak_rss_mib()
            if rss is not None:
                figures.append(Figure("voicebot serve peak RSS over these calls", f"{rss:.0f} MiB"))
            best = max(good, default=0)
            figures.append(
                Figure(
                    f"most concurrent calls tried with p95 <= {TARGET_P95_S:g} s",
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
