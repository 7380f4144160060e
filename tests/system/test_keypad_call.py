"""RFC 4733 key presses from a real SIP peer (SIPp replaying an RTP pcap) steer the bank dialog of
`voicebot serve`: 1 for balance, the account number, 1 to confirm it, the PIN - and the bot reads
the demo account's balance, which it can only know after both webhooks accepted what was keyed."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from tests.sip.sip_helpers import needs_sipp, run_sipp
from tests.system.rtp_pcap import keypad_stream, pcap_bytes
from tests.system.server_process import ServerProcess

pytestmark = [pytest.mark.slow, pytest.mark.peers, needs_sipp]

SCENARIO = Path(__file__).parent / "scenarios" / "uac_bank_keypad.xml"
ACCOUNT, PIN = "12345678", "4321"  # Alice's demo account (voicebot/dialog/demo_bank.py)


def keypad_timeline() -> list[tuple[float, str]]:
    """Seconds after the answer: 1 during the greeting's menu sentence, then account, 1 (yes), PIN."""
    presses = [(4.5, "1")]
    presses += [(6.0 + 0.3 * i, digit) for i, digit in enumerate(ACCOUNT)]
    presses += [(10.5, "1")]
    presses += [(12.5 + 0.3 * i, digit) for i, digit in enumerate(PIN)]
    return presses


async def _finished_call(server: ServerProcess, caller: str, timeout_s: float = 10.0) -> dict:
    async with httpx.AsyncClient(base_url=server.http_url, timeout=5) as http:
        deadline = time.monotonic() + timeout_s
        while True:
            calls = (await http.get("/api/history")).json()["calls"]
            mine = [c for c in calls if c["remote_party"] == caller]
            if mine or time.monotonic() > deadline:
                assert mine, f"no finished call from {caller} in /api/history: {calls}"
                return (await http.get(f"/api/history/{mine[0]['id']}")).json()
            await asyncio.sleep(0.2)


async def test_keypad_caller_gets_balance(voicebot_server: ServerProcess, tmp_path: Path) -> None:
    (tmp_path / "keypad.pcap").write_bytes(pcap_bytes(keypad_stream(keypad_timeline(), end_s=21)))
    port = voicebot_server.sip_port

    result = await run_sipp(str(SCENARIO), port, workdir=tmp_path, timeout_s=40)

    assert result.ok, f"{result.output}\n{result.errors}\nserver:\n{voicebot_server.log_tail()}"
    call = await _finished_call(voicebot_server, "5550101")
    turns = call["record"]["turns"]
    pressed = "".join(t["digit"] or "" for t in turns if t["trigger"] == "pressed")
    assert pressed == "1" + ACCOUNT + "1" + PIN, turns
    states = [t["state"] for t in turns]
    assert states[0] == "welcome"
    assert "balance" in states  # the 1 chose the balance branch, not lost card or agent
    spoken = " ".join(t["bot_text"] or "" for t in turns)
    assert "Thank you Alice. Your balance is 1,234.56 dollars." in spoken, spoken
    assert "1 2 3 4 5 6 7 8" in spoken or "one two three" in spoken.lower(), spoken
    assert "PIN does not match" not in spoken
    assert call["outcome"] == "caller_hangup"
