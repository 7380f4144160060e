"""Turn latency, barge-in reaction and memory of the conversation engine, with the real models.

Calls run in real time (MonotonicClock) over WavFileLegs fed with Piper-spoken caller audio:
- one call alone: last caller sound -> first bot audio, p50 over its turns (endpoint silence included);
- 40 calls at once, all talking: the same latency, p95 over every turn of every call;
- barge-in reaction: the caller's speech onset (known from the script) -> bot audio stopped;
- peak RSS of this process with the models loaded and 40 calls running.
"""

from __future__ import annotations

import asyncio
import os
import resource
import time
from dataclasses import dataclass

import numpy as np

from benchmarks.figures import Figure
from voicebot.audio import ENGINE_RATE, resample
from voicebot.clock import MonotonicClock
from voicebot.conversation.events import BargeInEvent, ConversationEvent
from voicebot.conversation.file_call import run_file_call
from voicebot.conversation.file_leg import WavFileLeg
from voicebot.conversation.metrics import CallRecord
from voicebot.conversation.rule_dialog import demo_dialog
from voicebot.conversation.services import open_services
from voicebot.settings import Settings

CONCURRENT_CALLS = 40
STAGGER_S = 0.25  # calls start this far apart, so their turns overlap without marching in step
BARGE_IN_AT = 1.5  # seconds into the greeting
REPLY_GAP_S = 6.5  # from the end of one caller line to the next: the bot's reply plays meanwhile
LINES = ("I want to check my balance.", "What is my balance?", "Goodbye.")


@dataclass
class Script:
    audio: np.ndarray
    onsets: list[float]  # where each caller line starts, seconds into the audio


def caller_script(synthesize, rate: int) -> Script:
    """Line 1 barges into the greeting; later lines wait for the bot's reply."""
    parts: list[np.ndarray] = []
    onsets: list[float] = []
    at = BARGE_IN_AT
    for line in LINES:
        said = trim_silence(resample(synthesize(line), rate, ENGINE_RATE))
        parts.append(np.zeros(round(at * ENGINE_RATE) - sum(len(p) for p in parts), np.int16))
        onsets.append(at)
        parts.append(said)
        at += len(said) / ENGINE_RATE + REPLY_GAP_S
    parts.append(np.zeros(3 * ENGINE_RATE, np.int16))
    return Script(np.concatenate(parts), onsets)


def trim_silence(audio: np.ndarray, threshold: int = 300) -> np.ndarray:
    """Cut the voice's leading and trailing quiet, so a line's onset is where its sound begins."""
    loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > threshold)
    return audio[loud[0] : loud[-1] + 1] if len(loud) else audio


def turn_latencies(records: list[CallRecord]) -> list[float]:
    return [
        turn.latencies_ms()["turn"]
        for record in records
        for turn in record.turns
        if turn.trigger == "said" and turn.latencies_ms()["turn"] is not None
    ]


async def run_calls(services, script: Script, count: int) -> tuple[list[CallRecord], list[float]]:
    dialog = demo_dialog()
    reactions: list[float] = []

    async def one(index: int) -> CallRecord:
        await asyncio.sleep(index * STAGGER_S)
        leg = WavFileLeg(script.audio, services.clock, call_id=f"bench-{index}", bot_quiet_s=5.0)
        onsets = [leg.start + at for at in script.onsets]

        def watch(event: ConversationEvent) -> None:
            # from the scripted onset of the line that barged in; a reply withheld because the
            # caller was already talking (nothing played) is no reaction to measure
            if isinstance(event, BargeInEvent) and event.report.started_at is not None:
                onset = max((t for t in onsets if t <= event.speech_onset + 0.1), default=onsets[0])
                reactions.append((event.timestamp - onset) * 1000)

        return await run_file_call(leg, dialog, services, on_event=watch)

    records = await asyncio.gather(*(one(i) for i in range(count)))
    return list(records), reactions


async def watch_loop_lag(lags: list[float], period: float = 0.01) -> None:
    """How late the event loop wakes a 10 ms sleeper: the engine's own overload shows here."""
    loop = asyncio.get_running_loop()
    while True:
        started = loop.time()
        await asyncio.sleep(period)
        lags.append((loop.time() - started - period) * 1000)


def print_stage_breakdown(records: list[CallRecord]) -> None:
    """Where the 40 calls' turns spent their time, stage by stage and line by line, so a slow
    p95 says whether ASR, the dialog or TTS was behind and whether it was one moment or all along."""
    stages = ("endpoint", "asr", "dialog", "tts", "turn")
    print("  40 calls, p50 / p95 / max ms per stage:", flush=True)
    said = [t for r in records for t in r.turns if t.trigger == "said"]
    for stage in stages:
        values = [v for t in said if (v := t.latencies_ms()[stage]) is not None]
        if values:
            print(
                f"    {stage:<8} {percentile(values, 50):6.0f} {percentile(values, 95):6.0f}"
                f" {max(values):6.0f}  ({len(values)} turns)",
                flush=True,
            )
    starts = [r.started_at for r in records]
    origin = min(starts) if starts else 0.0
    slow = sorted(
        (t.last_sound - origin, t.latencies_ms()["turn"], t.caller_text or "")
        for t in said
        if t.last_sound is not None and (t.latencies_ms()["turn"] or 0) > 1000
    )
    for at, latency, text in slow[:10]:
        print(f"    slow turn at +{at:5.1f} s: {latency} ms ({text[:30]!r})", flush=True)
    interrupted = sum(1 for t in said if t.barge_in is not None)
    print(f"    replies interrupted by the caller: {interrupted} of {len(said)}", flush=True)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


async def measure() -> list[Figure]:
    settings = Settings()
    dialog = demo_dialog()
    async with open_services(
        settings, clock=MonotonicClock(), prompts=dialog.static_prompts()
    ) as services:
        from voicebot.models import load_synthesizer

        voice = load_synthesizer(settings.tts)
        script = caller_script(voice.synthesize, voice.sample_rate)
        alone, alone_reactions = await run_calls(services, script, 1)
        lags: list[float] = []
        watcher = asyncio.create_task(watch_loop_lag(lags))
        cpu_before, wall_before = time.process_time(), time.perf_counter()
        try:
            crowd, crowd_reactions = await run_calls(services, script, CONCURRENT_CALLS)
        finally:
            watcher.cancel()
        cpu_share = (time.process_time() - cpu_before) / (time.perf_counter() - wall_before)
        engine = services.asr.recognizer if hasattr(services.asr, "recognizer") else None
        fallbacks = (getattr(engine, "fallbacks", 0), getattr(engine, "fallbacks_skipped", 0))
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    single = turn_latencies(alone)
    loaded = turn_latencies(crowd)
    print_stage_breakdown(crowd)
    answered = sum(1 for r in crowd for t in r.turns if t.trigger == "said")
    p50, p95 = percentile(single, 50), percentile(loaded, 95)
    reaction = percentile(alone_reactions, 50)
    reaction_loaded = percentile(crowd_reactions, 95)
    speculative = [t.speculative_hit for r in crowd for t in r.turns if t.trigger == "said"]
    decodes = [t.asr_decode_s * 1000 for r in crowd for t in r.turns if t.asr_decode_s]
    return [
        Figure(
            f"turn latency p50, 1 call ({len(single)} turns, {settings.vad.end_silence_ms} ms endpoint)",
            f"{p50:.0f} ms",
            "<= 500 ms",
            p50 <= 500,
        ),
        Figure(
            f"turn latency p95, {CONCURRENT_CALLS} calls talking ({len(loaded)} turns)",
            f"{p95:.0f} ms",
            "<= 1000 ms",
            p95 <= 1000,
        ),
        Figure(
            f"turns answered, {CONCURRENT_CALLS} calls",
            f"{answered} of {CONCURRENT_CALLS * len(LINES)}",
        ),
        Figure(
            "speculative final reused, 40 calls",
            f"{100 * sum(bool(s) for s in speculative) / max(1, len(speculative)):.0f} %",
        ),
        Figure(
            f"ASR final decode p50, {CONCURRENT_CALLS} calls ({settings.asr.workers} workers)",
            f"{percentile(decodes, 50):.0f} ms",
        ),
        Figure(
            "unsure ASR finals re-decoded padded / kept because the pool was busy",
            f"{fallbacks[0]} / {fallbacks[1]}",
        ),
        Figure(f"event-loop lag p99, {CONCURRENT_CALLS} calls", f"{percentile(lags, 99):.0f} ms"),
        Figure(
            f"CPU used by this process, {CONCURRENT_CALLS} calls",
            f"{cpu_share:.2f} cores of {os.cpu_count()}",
        ),
        Figure("barge-in reaction p50, 1 call", f"{reaction:.0f} ms", "<= 150 ms", reaction <= 150),
        Figure(
            f"barge-in reaction p95, {CONCURRENT_CALLS} calls",
            f"{reaction_loaded:.0f} ms",
            "<= 150 ms",
            reaction_loaded <= 150,
        ),
        Figure(
            f"peak RSS, models + {CONCURRENT_CALLS} calls",
            f"{peak_mib:.0f} MiB",
            "<= 1024 MiB",
            peak_mib <= 1024,
        ),
    ]


def run() -> list[Figure]:
    return asyncio.run(measure())
