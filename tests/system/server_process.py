"""`voicebot serve` as a real subprocess on free loopback ports, for system tests and benchmarks.

The server is started exactly as an operator would start it (the console script, command-line
options), its readiness is /health answering, and it is stopped with SIGINT (Ctrl-C) so a clean
shutdown is part of what is tested; a server that ignores SIGINT is killed and reported.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.sip.sip_helpers import free_port

REPO = Path(__file__).resolve().parents[2]
VOICEBOT = Path(sys.executable).parent / "voicebot"
HEALTH_TIMEOUT_S = 150.0  # 20 s on an idle 2-core machine; 90 s seen with 6 busy neighbours
STOP_TIMEOUT_S = 20.0


class ServerFailed(RuntimeError):
    """The server exited or never became healthy; the message carries the tail of its log."""


@dataclass
class ServerProcess:
    process: subprocess.Popen[bytes]
    http_port: int
    sip_port: int
    database: Path
    log_path: Path
    exit_code: int | None = field(default=None)

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sip_address(self) -> str:
        return f"127.0.0.1:{self.sip_port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def wait_healthy(self, timeout_s: float = HEALTH_TIMEOUT_S) -> dict:
        """Poll /health until it answers 200; the parsed body. Raises ServerFailed."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerFailed(
                    f"voicebot serve exited with {self.process.returncode} before it was healthy:\n"
                    + self.log_tail()
                )
            try:
                response = httpx.get(f"{self.http_url}/health", timeout=2.0)
                if response.status_code == 200:
                    return response.json()
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        raise ServerFailed(f"no /health within {timeout_s:.0f} s:\n{self.log_tail()}")

    def peak_rss_mib(self) -> float | None:
        """The server's peak resident memory (VmHWM), while it runs."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return None

    def stop(self) -> int:
        """SIGINT, then kill after STOP_TIMEOUT_S; the exit code (-9 when it had to be killed)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.exit_code = self.process.returncode
        return self.exit_code


def serve_command(
    http_port: int, sip_port: int, database: Path, extra: list[str] | None = None
) -> list[str]:
    return [
        str(VOICEBOT),
        "serve",
        "--http",
        f"127.0.0.1:{http_port}",
        "--sip",
        f"127.0.0.1:{sip_port}",
        "--database",
        f"sqlite:///{database}",
        *(extra or []),
    ]


def start_server(
    workdir: Path, *, extra: list[str] | None = None, env: dict[str, str] | None = None
) -> ServerProcess:
    """Launch `voicebot serve` from the repository root (its dialogs/ folder) without waiting."""
    workdir.mkdir(parents=True, exist_ok=True)
    http_port, sip_port = free_port(), free_port()
    while sip_port == http_port:
        sip_port = free_port()
    database = workdir / "calls.db"
    log_path = workdir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            serve_command(http_port, sip_port, database, extra),
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
    return ServerProcess(process, http_port, sip_port, database, log_path)


def run_serve_to_exit(
    args: list[str], *, env: dict[str, str] | None = None, timeout_s: float = 90.0
) -> subprocess.CompletedProcess[str]:
    """`voicebot serve ARGS` expected to exit on its own (a refused start)."""
    return subprocess.run(
        [str(VOICEBOT), "serve", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        env={**os.environ, **(env or {})},
    )
