"""RFC 4733 key presses from a real SIP peer (SIPp replaying an RTP pcap) steer the bank dialog of
`voicebot serve`: 1 for balance, the account number, 1 to confirm it, the PIN - and the bot reads
the demo account's balance, which it can only know after both webhooks accepted what was keyed.

The call itself runs in the background from the `keypad_call` fixture (conftest.py), alongside the
baresip call."""

from __future__ import annotations

import time
from concurrent.futures import Future

import httpx
import pytest

from tests.sip.sip_helpers import SippResult, needs_sipp
from tests.system.keypad_call import ACCOUNT, CALLER, PIN
from tests.system.server_process import ServerProcess

pytestmark = [pytest.mark.slow, pytest.mark.peers, needs_sipp]


def _finished_call(server: ServerProcess, caller: str, timeout_s: float = 10.0) -> dict:
    deadline = time.monotonic() + timeout_s
    while True:
        calls = httpx.get(f"{server.http_url}/api/history", timeout=5).json()["calls"]
        mine = [c for c in calls if c["remote_party"] == caller]
        if mine or time.monotonic() > deadline:
            assert mine, f"no finished call from {caller} in /api/history: {calls}"
            return httpx.get(f"{server.http_url}/api/history/{mine[0]['id']}", timeout=5).json()
        time.sleep(0.2)


def test_keypad_caller_gets_balance(
    keypad_call: Future[SippResult], voicebot_server: ServerProcess
) -> None:
    result = keypad_call.result(timeout=60)

    assert result.ok, f"{result.output}\n{result.errors}\nserver:\n{voicebot_server.log_tail()}"
    call = _finished_call(voicebot_server, CALLER)
    turns = call["record"]["turns"]
    pressed = "".join(t["digit"] or "" for t in turns if t["trigger"] == "pressed")
    assert pressed == "1" + ACCOUNT + "1" + PIN, turns
    states = [t["state"] for t in turns]
    assert states[0] == "welcome"
    assert "balance" in states  # the 1 chose the balance branch, not lost card or agent
    spoken = " ".join(t["bot_text"] or "" for t in turns)
    assert "I heard 1 2 3 4 5 6 7 8. Is that right?" in spoken, spoken
    assert "Thank you Alice. Your balance is 1,234.56 dollars." in spoken, spoken
    assert "PIN does not match" not in spoken
    assert call["outcome"] == "caller_hangup"
