"""Shared helpers for SIP tests: free ports, a running SipServer, and a bounded SIPp runner."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from telephony.sip.leg import SipCallLeg
from telephony.sip.server import ServerOptions, SipServer

SCENARIOS = Path(__file__).parent.parent / "fixtures" / "sip" / "scenarios"
SIPP = shutil.which("sipp")

needs_sipp = pytest.mark.skipif(
    SIPP is None, reason="sipp (Debian package sip-tester) is not installed"
)


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    """A port free for both UDP and TCP on 127.0.0.1."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    raise RuntimeError("no free port")


@dataclass
class SippResult:
    returncode: int
    output: str
    errors: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


async def run_sipp(
    scenario: str,
    server_port: int | None,
    *,
    calls: int = 1,
    rate: float | None = None,
    transport: str = "u1",
    timeout_s: int = 20,
    extra: list[str] | None = None,
    workdir: Path,
    listen_port: int | None = None,
    started: asyncio.Event | None = None,
) -> SippResult:
    """Run SIPp bounded by -m, -timeout and a kill: as a UAC against 127.0.0.1:server_port, or,
    with server_port None, as a UAS on listen_port (`started` is set once it is launched)."""
    assert SIPP is not None
    error_file = workdir / f"{Path(scenario).stem}_errors.log"
    command = [
        SIPP,
        "-sf", str(SCENARIOS / scenario) if not Path(scenario).is_absolute() else scenario,
        "-i", "127.0.0.1",
        "-p", str(listen_port or free_port()),
        "-mp", str(free_port()),
        "-t", transport,
        "-m", str(calls),
        "-timeout", f"{timeout_s}s",
        "-timeout_error",
        "-trace_err", "-error_file", str(error_file),
        "-nostdin",
        *(["-r", str(rate)] if rate else []),
        *(extra or []),
        *([f"127.0.0.1:{server_port}"] if server_port is not None else []),
    ]  # fmt: skip
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, cwd=workdir
    )
    if started is not None:
        await asyncio.sleep(0.3)  # let SIPp bind its socket before the test sends to it
        started.set()
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout_s + 10)
    except TimeoutError:
        process.kill()
        output, _ = await process.communicate()
    errors = error_file.read_text(errors="replace") if error_file.exists() else ""
    return SippResult(
        process.returncode or 0, output.decode(errors="replace")[-4000:], errors[-4000:]
    )


@contextlib.asynccontextmanager
async def sipp_uas(
    scenario: str, workdir: Path, **kwargs
) -> AsyncIterator[tuple[int, asyncio.Task[SippResult]]]:
    """SIPp answering on a free port while the body runs; yields (port, task with its result)."""
    port = free_port()
    started = asyncio.Event()
    task = asyncio.create_task(
        run_sipp(scenario, None, workdir=workdir, listen_port=port, started=started, **kwargs)
    )
    await started.wait()
    try:
        yield port, task
    finally:
        if not task.done():
            await asyncio.wait({task}, timeout=25)


Handler = Callable[[SipCallLeg], Awaitable[None]]


@contextlib.asynccontextmanager
async def sip_server(
    on_call: Handler, host: str = "127.0.0.1", **kwargs
) -> AsyncIterator[SipServer]:
    options = kwargs.pop("options", None) or ServerOptions()
    server = SipServer(host, free_port(), on_call=on_call, options=options, **kwargs)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def wait_for_hangup(leg: SipCallLeg) -> list[object]:
    """A handler body: collect events until the caller hangs up."""
    seen: list[object] = []
    async for event in leg.events():
        seen.append(event)
    return seen
