"""A real HTTP server on 127.0.0.1 around the FastAPI app, with a call runner chosen per test."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn

from voicebot.api.app import create_app
from voicebot.api.calls import CallRegistry, CallRunner, conversation_runner
from voicebot.api.runtime import AppRuntime
from voicebot.conversation.rule_dialog import demo_dialog

from .on_loopback import loopback_settings
from .packets import UdpWatch


@dataclass
class LiveServer:
    url: str
    runtime: AppRuntime

    @property
    def calls(self) -> CallRegistry:
        return self.runtime.calls


@contextlib.asynccontextmanager
async def serve(
    runner: CallRunner | None = None, *, services: Any = None, dialogs: dict[str, Any] | None = None
) -> AsyncIterator[LiveServer]:
    """Without a runner, calls run the real Conversation on `services`. The WebRTC leg offers
    127.0.0.1 only, as callers must (ScriptedCaller(host_addresses=LOOPBACK))."""
    dialogs = dialogs or {"rule:demo": demo_dialog()}
    runtime = AppRuntime(
        settings=loopback_settings(),
        dialogs=dialogs,
        default_dialog=next(iter(dialogs)),
        services=services,
    )
    runtime.calls = CallRegistry(runner or conversation_runner(runtime))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(runtime), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.get_running_loop().create_task(server.serve(sockets=[sock]))
    for _ in range(200):  # bounded: the server is up within a second or two
        if server.started:
            break
        await asyncio.sleep(0.01)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", runtime)
    finally:
        await runtime.calls.close()
        server.should_exit = True
        await asyncio.wait_for(task, 5)
        sock.close()


@pytest.fixture
def live_server():
    return serve


@pytest.fixture
def udp_watch():
    """Every UDP datagram on this machine during the test, or None without raw-socket rights."""
    watch = UdpWatch.open()
    yield watch
    if watch is not None:
        watch.stop()
