"""RTP: how evenly a paced sender keeps the 20 ms schedule, and what G.711 and resampling cost."""

from __future__ import annotations

import asyncio
import time

import numpy as np

from benchmarks.figures import Figure
from telephony.rtp import RtpPacer, RtpSession, RtpSessionConfig
from voicebot.audio import (
    AudioFrame,
    StreamResampler,
    alaw_decode,
    alaw_encode,
    ulaw_decode,
    ulaw_encode,
)

PACED_SECONDS = 5.0


async def _paced_send_times() -> tuple[np.ndarray, float]:
    config = RtpSessionConfig(rtcp_interval_s=None)
    async with RtpSession(config) as sender, RtpSession(config) as receiver:
        sender.remote = receiver.local_address
        sent_at: list[float] = []

        def send(frame: AudioFrame) -> None:
            sent_at.append(time.monotonic())
            sender.send_frame(frame)

        pacer = RtpPacer(send)
        await pacer.run(ticks=int(PACED_SECONDS * 50))
        assert pacer.start_time is not None
        return np.array(sent_at), pacer.start_time


def _paced_jitter() -> list[Figure]:
    sent_at, start = asyncio.run(_paced_send_times())
    lateness_ms = (sent_at - (start + 0.02 * np.arange(len(sent_at)))) * 1000
    p99 = float(np.percentile(lateness_ms, 99))
    drift_ms = float(lateness_ms[-10:].mean() - lateness_ms[:10].mean())
    return [
        Figure(
            f"RTP send lateness vs start+n*20ms, p50 ({PACED_SECONDS:g} s, real clock)",
            f"{np.percentile(lateness_ms, 50):.2f} ms",
        ),
        Figure("RTP send lateness, p99", f"{p99:.2f} ms", "<= 5 ms", p99 <= 5),
        Figure("RTP send lateness, max", f"{lateness_ms.max():.2f} ms"),
        Figure(
            "RTP send drift over the run", f"{drift_ms:+.2f} ms", "|x| <= 1 ms", abs(drift_ms) <= 1
        ),
    ]


def _per_frame_us(action, repeats: int = 20_000) -> float:
    started = time.perf_counter()
    for _ in range(repeats):
        action()
    return (time.perf_counter() - started) / repeats * 1e6


def _codec_speed() -> list[Figure]:
    rng = np.random.default_rng(0)
    pcm = rng.integers(-20000, 20000, 160, dtype=np.int16)  # one 20 ms frame at 8 kHz
    ulaw, alaw = ulaw_encode(pcm), alaw_encode(pcm)
    figures = []
    for name, action in [
        ("μ-law encode", lambda: ulaw_encode(pcm)),
        ("μ-law decode", lambda: ulaw_decode(ulaw)),
        ("A-law encode", lambda: alaw_encode(pcm)),
        ("A-law decode", lambda: alaw_decode(alaw)),
    ]:
        cost = _per_frame_us(action)
        figures.append(
            Figure(
                f"G.711 {name}, one 20 ms frame", f"{cost:.1f} µs ({20_000 / cost:,.0f}x real time)"
            )
        )
    up, down = StreamResampler(8000, 16000), StreamResampler(16000, 8000)
    wide = rng.integers(-20000, 20000, 320, dtype=np.int16)
    for name, resampler, chunk in [("8->16 kHz", up, pcm), ("16->8 kHz", down, wide)]:
        cost = _per_frame_us(lambda r=resampler, c=chunk: r.process(c), repeats=5_000)
        figures.append(Figure(f"stream resample {name}, one 20 ms frame", f"{cost:.1f} µs"))
    return figures


def run() -> list[Figure]:
    return _paced_jitter() + _codec_speed()
