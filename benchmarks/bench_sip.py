"""SIP call setup rate: SIPp places 2,000 calls (INVITE -> 200 -> ACK -> BYE) at rising rates
against a SipServer in this process; the figure is the highest rate with zero failed calls.

Run alone (`python -m benchmarks sip`): SIPp and the server share this machine's cores.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from benchmarks.figures import Figure
from telephony.sip.leg import SipCallLeg
from telephony.sip.media import DiscardMedia, MediaFactory
from telephony.sip.server import ServerOptions, SipServer, default_media_factory

SCENARIO = (
    Path(__file__).parent.parent / "tests" / "fixtures" / "sip" / "scenarios" / "uac_bench.xml"
)
CALLS = int(os.environ.get("BENCH_SIP_CALLS", "2000"))
RATES = (150, 300, 450)
TARGET = 300


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _until_hangup(leg: SipCallLeg) -> None:
    async for _event in leg.events():
        pass


async def _sipp(port: int, rate: int, workdir: str) -> tuple[int, int, float]:
    """(successful, failed, SIPp's cumulative call rate) for CALLS calls offered at `rate`/s."""
    stats = Path(workdir) / f"rate{rate}.csv"
    process = await asyncio.create_subprocess_exec(
        shutil.which("sipp") or "sipp",
        "-sf", str(SCENARIO), "-i", "127.0.0.1", "-p", str(_free_port()), "-mp", str(_free_port()),
        "-m", str(CALLS), "-r", str(rate), "-l", str(rate * 2), "-timeout", "60s", "-timeout_error",
        "-nostdin", "-trace_stat", "-stf", str(stats), "-fd", "1", f"127.0.0.1:{port}",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL, cwd=workdir,
    )  # fmt: skip
    try:
        await asyncio.wait_for(process.wait(), 90)
    except TimeoutError:
        process.kill()
        await process.wait()
    text = stats.read_text() if stats.exists() else ""
    ok, failed = _stat(text, "SuccessfulCall(C)"), _stat(text, "FailedCall(C)")
    return int(ok), int(failed), _stat(text, "CallRate(C)")


def _stat(csv_text: str, column: str) -> float:
    """The last row's value of `column` in SIPp's -trace_stat CSV (0 when absent)."""
    lines = [line for line in csv_text.splitlines() if line.strip()]
    if len(lines) < 2:
        return 0.0
    header = lines[0].split(";")
    last = lines[-1].split(";")
    index = header.index(column) if column in header else -1
    value = last[index] if 0 <= index < len(last) else ""
    return float(value) if re.fullmatch(r"\d+(\.\d+)?", value) else 0.0


Run = tuple[int, int, int, float, float]  # offered, ok, failed, achieved rate, server CPU ms/call


async def _measure(media_factory: MediaFactory) -> list[Run]:
    server = SipServer(
        "127.0.0.1", _free_port(), on_call=_until_hangup, max_calls=5000, rate_limit=None,
        options=ServerOptions(media_factory=media_factory),
    )  # fmt: skip
    await server.start()
    results = []
    try:
        with tempfile.TemporaryDirectory() as workdir:
            for rate in RATES:
                cpu_before = time.process_time()
                ok, failed, achieved = await _sipp(server.port, rate, workdir)
                cpu_ms = 1000 * (time.process_time() - cpu_before) / max(ok + failed, 1)
                results.append((rate, ok, failed, achieved, cpu_ms))
                if failed or ok < CALLS:
                    break
                await asyncio.sleep(1.0)
    finally:
        await server.stop()
    return results


def _figures(label: str, results: list[Run]) -> list[Figure]:
    """The headline is the rate SIPp actually achieved (calls created / run time) in a run with
    zero failures: an offered rate SIPp could not keep up proves nothing."""
    clean = [r for r in results if r[2] == 0 and r[1] == CALLS]
    best_offered = max((r[0] for r in clean), default=0)
    best_achieved = max((r[3] for r in clean), default=0.0)
    runs = ", ".join(
        f"{rate}/s offered: {ok} ok {failed} failed, {achieved:.0f}/s achieved"
        for rate, ok, failed, achieved, _ in results
    )
    cpu_ms = min((r[4] for r in clean), default=0.0)
    return [
        Figure(
            f"SIP call setup rate achieved, {label}, {CALLS} calls, zero failures",
            f"{best_achieved:.0f} calls/s",
            f">= {TARGET}",
            best_achieved >= TARGET,
        ),
        Figure(f"highest offered rate with zero failures, {label}", f"{best_offered} calls/s"),
        Figure(
            f"server CPU per call (INVITE..BYE), {label}; one-core capacity",
            f"{cpu_ms:.2f} ms; {1000 / cpu_ms if cpu_ms else 0:.0f}/s",
            f">= {TARGET}/s",
            bool(cpu_ms) and 1000 / cpu_ms >= TARGET,
        ),
        Figure(f"SIPp runs, {label}", runs),
    ]


IDLE_SCENARIO = SCENARIO.with_name("uac_idle.xml")
IDLE_CALLS = 50


async def _idle_cpu() -> float:
    """Server CPU per idle call (RTP media, no audio flowing), in % of one core."""
    server = SipServer(
        "127.0.0.1", _free_port(), on_call=_until_hangup, max_calls=500, rate_limit=None,
    )  # fmt: skip
    await server.start()
    try:
        with tempfile.TemporaryDirectory() as workdir:
            process = await asyncio.create_subprocess_exec(
                shutil.which("sipp") or "sipp",
                "-sf", str(IDLE_SCENARIO), "-i", "127.0.0.1", "-p", str(_free_port()),
                "-mp", str(_free_port()), "-m", str(IDLE_CALLS), "-r", str(IDLE_CALLS),
                "-timeout", "30s", "-nostdin", f"127.0.0.1:{server.port}",
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL, cwd=workdir,
            )  # fmt: skip
            for _ in range(40):  # all calls up (bounded wait)
                if len(server.calls) >= IDLE_CALLS:
                    break
                await asyncio.sleep(0.1)
            calls = len(server.calls)
            started_cpu, started = time.process_time(), time.perf_counter()
            await asyncio.sleep(3.0)
            cpu = (time.process_time() - started_cpu) / (time.perf_counter() - started)
            await asyncio.wait_for(process.wait(), 30)
    finally:
        await server.stop()
    return 100 * cpu / max(calls, 1)


def run() -> list[Figure]:
    if shutil.which("sipp") is None:
        return [Figure("SIP call setup rate", "skipped: sipp not installed")]
    runner: Callable[[MediaFactory], Awaitable] = _measure
    figures = _figures("RTP media", asyncio.run(runner(default_media_factory())))
    figures += _figures("signaling only", asyncio.run(runner(DiscardMedia.open)))
    idle = asyncio.run(_idle_cpu())
    figures.append(
        Figure(
            f"server CPU per idle call ({IDLE_CALLS} calls, RTP media, silence)",
            f"{idle:.3f} % of a core",
        )
    )
    return figures
