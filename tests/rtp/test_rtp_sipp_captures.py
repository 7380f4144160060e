"""Real RTP captures: the pcap files SIPp ships for playing G.711 audio and RFC 2833 digits.

They come with the sipp package (scripts/install-system-deps.sh) and are read in place.
"""

import struct
from pathlib import Path

import numpy as np
import pytest

from telephony.rtp import PCMA, DtmfReceiver, RtpPacket
from voicebot.audio import rms_dbfs

SIPP_PCAPS = Path("/usr/share/sip-tester")


def _udp_payloads(path: Path) -> list[bytes]:
    """UDP payloads of an Ethernet/IPv4 pcap (classic libpcap format, little-endian)."""
    if not path.exists():
        pytest.skip(f"{path} not found: install sipp (scripts/install-system-deps.sh)")
    data = path.read_bytes()
    magic, *_, link_type = struct.unpack_from("<IHHiIII", data)
    assert (magic, link_type) == (0xA1B2C3D4, 1)
    payloads = []
    offset = 24
    while offset + 16 <= len(data):
        captured = struct.unpack_from("<IIII", data, offset)[2]
        frame = data[offset + 16 : offset + 16 + captured]
        offset += 16 + captured
        ip = frame[14:]
        if struct.unpack_from("!H", frame, 12)[0] != 0x0800 or ip[9] != 17:
            continue  # not IPv4/UDP
        udp = ip[(ip[0] & 0x0F) * 4 :]
        payloads.append(udp[8 : struct.unpack_from("!H", udp, 4)[0]])
    return payloads


def test_g711a_capture_round_trips_and_decodes_to_sound():
    raw = _udp_payloads(SIPP_PCAPS / "g711a.pcap")
    packets = [RtpPacket.parse(p) for p in raw]
    assert len(packets) > 100
    assert [bytes(p) for p in packets] == raw
    assert {p.payload_type for p in packets} == {8}
    seqs = np.array([p.sequence_number for p in packets])
    assert np.all(np.diff(seqs) % 65536 == 1)
    audio = np.concatenate([PCMA.decode(p.payload) for p in packets])
    assert rms_dbfs(audio) > -40  # a recording, not silence


@pytest.mark.parametrize(
    ("capture", "digit"), [("dtmf_2833_1.pcap", "1"), ("dtmf_2833_pound.pcap", "#")]
)
def test_rfc2833_capture_gives_exactly_one_digit(capture, digit):
    raw = _udp_payloads(SIPP_PCAPS / capture)
    packets = [RtpPacket.parse(p) for p in raw]
    assert [bytes(p) for p in packets] == raw
    receiver = DtmfReceiver()
    digits = [d for p in packets for d in receiver.push(p)]
    assert [d.digit for d in digits] == [digit]
    assert receiver.expire(now=100.0) == []
