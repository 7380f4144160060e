"""A real Kamailio (Debian package kamailio) in front of the bot's SIP servers, for tests.

`kamailio_dispatcher(worker_ports, workdir)` starts it on a free loopback port with the shipped
example telephony/examples/kamailio/dispatcher.cfg, unchanged (its addresses come in as -A
defines): round-robin over the workers, OPTIONS probes every second, failover to the next one. It yields a handle whose `log()` is Kamailio's own output
(the config logs each dispatch and each worker going down or up) and stops it on exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sip_helpers import free_port

KAMAILIO = shutil.which("kamailio") or (
    "/usr/sbin/kamailio" if Path("/usr/sbin/kamailio").exists() else None
)
CONFIG = (
    Path(__file__).resolve().parents[2] / "telephony" / "examples" / "kamailio" / "dispatcher.cfg"
)

needs_kamailio = pytest.mark.skipif(
    KAMAILIO is None, reason="kamailio (Debian package kamailio) is not installed"
)


@dataclass
class Kamailio:
    port: int
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    async def wait_for_line(self, text: str, timeout_s: float = 10.0) -> None:
        """Wait until Kamailio has logged `text` (bounded); fails with its log otherwise."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while text not in self.log():
            if loop.time() > deadline:
                raise AssertionError(f"Kamailio never logged {text!r}:\n{self.log()[-3000:]}")
            await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def kamailio_dispatcher(worker_ports: list[int], workdir: Path) -> AsyncIterator[Kamailio]:
    assert KAMAILIO is not None
    port = free_port()
    list_file = workdir / "dispatcher.list"
    list_file.write_text("".join(f"1 sip:127.0.0.1:{p}\n" for p in worker_ports))
    defines = {
        "LISTEN": f"udp:127.0.0.1:{port}",
        "DISPATCHER_LIST": f'"{list_file}"',
        "PROBE_FROM": f'"sip:dispatcher@127.0.0.1:{port}"',
    }
    handle = Kamailio(port, workdir / "kamailio.log")
    with handle.log_path.open("wb") as log:
        # -DD: stay in the foreground (its worker processes still fork); -E: log to stderr
        process = await asyncio.create_subprocess_exec(
            KAMAILIO, "-DD", "-E", "-Y", str(workdir), "-f", str(CONFIG),
            *(arg for name, value in defines.items() for arg in ("-A", f"{name}={value}")),
            stdout=log, stderr=log, cwd=workdir,
        )  # fmt: skip
    try:
        await handle.wait_for_line(f"[127.0.0.1]:{port}")  # "Listening on ... udp: 127.0.0.1"
        yield handle
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()
