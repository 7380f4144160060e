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
    server_port: int,
    *,
    calls: int = 1,
    rate: float | None = None,
    transport: str = "u1",
    timeout_s: int = 20,
    extra: list[str] | None = None,
    workdir: Path,
) -> SippResult:
    """Run SIPp as a UAC against 127.0.0.1:server_port, bounded by -m, -timeout and a kill."""
    assert SIPP is not None
    error_file = workdir / f"{Path(scenario).stem}_errors.log"
    command = [
        SIPP,
        "-sf", str(SCENARIOS / scenario) if not Path(scenario).is_absolute() else scenario,
        "-i", "127.0.0.1",
        "-p", str(free_port()),
        "-mp", str(free_port()),
        "-t", transport,
        "-m", str(calls),
        "-timeout", f"{timeout_s}s",
        "-timeout_error",
        "-trace_err", "-error_file", str(error_file),
        "-nostdin",
        *(["-r", str(rate)] if rate else []),
        *(extra or []),
        f"127.0.0.1:{server_port}",
    ]  # fmt: skip
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, cwd=workdir
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout_s + 10)
    except TimeoutError:
        process.kill()
        output, _ = await process.communicate()
    errors = error_file.read_text(errors="replace") if error_file.exists() else ""
    return SippResult(
        process.returncode or 0, output.decode(errors="replace")[-4000:], errors[-4000:]
    )


Handler = Callable[[SipCallLeg], Awaitable[None]]


@contextlib.asynccontextmanager
async def sip_server(on_call: Handler, **kwargs) -> AsyncIterator[SipServer]:
    options = kwargs.pop("options", None) or ServerOptions()
    server = SipServer("127.0.0.1", free_port(), on_call=on_call, options=options, **kwargs)
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
