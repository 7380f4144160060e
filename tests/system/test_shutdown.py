"""Ctrl-C while a caller is listening to the greeting: the caller gets a BYE, the call is stored,
and `voicebot serve` exits with 0. It ends the session's server, so it runs last (conftest.py)."""

from __future__ import annotations

import asyncio
import signal
import time

import pytest

from tests.system.probe_caller import ProbeCaller
from tests.system.server_process import ServerProcess
from voicebot.store import CallStore

pytestmark = pytest.mark.slow

CALLER = "shutdown-probe"


async def _until(condition, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"no {what} within {timeout_s:g} s"
        await asyncio.sleep(0.05)


async def test_sigint_with_a_live_call_hangs_up_stores_it_and_exits_0(
    server_to_stop: ServerProcess,
) -> None:
    server = server_to_stop
    async with ProbeCaller() as probe:
        leg, media = await probe.dial(f"sip:bot@{server.sip_address}", CALLER)
        await _until(lambda: len(media.heard) > 25, 20, "greeting audio")

        server.process.send_signal(signal.SIGINT)

        await _until(lambda: leg.ended, 15, "BYE from the stopping server")
        code = await asyncio.to_thread(server.process.wait, 30)

    assert code == 0, server.log_tail()
    store = CallStore(f"sqlite:///{server.database}")
    try:
        stored = [c for c in store.recent(500) if c.remote_party == CALLER]
    finally:
        store.close()
    assert len(stored) == 1, server.log_tail()
    assert stored[0].dialog == "bank"
    assert stored[0].transport == "sip"
    assert stored[0].outcome == "ended_by_server"  # not the caller's hangup: we sent the BYE
