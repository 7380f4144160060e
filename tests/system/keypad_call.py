"""The keypad caller: SIPp replays a pcap of RFC 4733 key presses into the bank dialog - 1 for
balance, Alice's demo account number, 1 to confirm it, her PIN - and hangs up after 22 s."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.sip.sip_helpers import SippResult, run_sipp
from tests.system.rtp_pcap import keypad_stream, pcap_bytes

SCENARIO = Path(__file__).parent / "scenarios" / "uac_bank_keypad.xml"
CALLER = "5550101"  # the scenario's From user
ACCOUNT, PIN = "12345678", "4321"  # Alice's demo account (voicebot/dialog/demo_bank.py)
PCAP_END_S = 21.0  # the scenario hangs up after 22 s


def keypad_timeline() -> list[tuple[float, str]]:
    """Seconds after the answer: 1 during the greeting's menu sentence, then account, 1 (yes), PIN.
    Keys may come early: each one cuts the interruptible prompt it lands in."""
    presses = [(4.5, "1")]
    presses += [(6.0 + 0.3 * i, digit) for i, digit in enumerate(ACCOUNT)]
    presses += [(10.5, "1")]
    presses += [(12.5 + 0.3 * i, digit) for i, digit in enumerate(PIN)]
    return presses


def place_keypad_call(sip_port: int, workdir: Path) -> SippResult:
    """Run the SIPp keypad call against 127.0.0.1:sip_port to its end (blocking, bounded)."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "keypad.pcap").write_bytes(
        pcap_bytes(keypad_stream(keypad_timeline(), end_s=PCAP_END_S))
    )
    return asyncio.run(run_sipp(str(SCENARIO), sip_port, workdir=workdir, timeout_s=40))
