"""The pure parts of the system-test peers: the pcap that SIPp replays, and the probe caller's
loudness and timing arithmetic that bench_calls reports."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from telephony.rtp.codec import PCMU
from telephony.rtp.dtmf import DtmfReceiver
from telephony.rtp.packet import RtpPacket
from tests.system.probe_caller import (
    answer_onset,
    loud_between,
    loud_seconds,
    payload_rms,
    percentile,
    quiet_for,
    utterance_payloads,
)
from tests.system.rtp_pcap import DTMF_PAYLOAD_TYPE, keypad_stream, pcap_bytes


def read_pcap(data: bytes) -> list[tuple[float, bytes]]:
    """(seconds, UDP payload) of each record, checking the Ethernet/IPv4/UDP framing on the way."""
    magic, major, minor, _, _, snaplen, linktype = struct.unpack_from("<IHHiIII", data)
    assert (magic, major, minor, linktype) == (0xA1B2C3D4, 2, 4, 1)
    records, offset = [], 24
    while offset < len(data):
        seconds, micros, included, original = struct.unpack_from("<IIII", data, offset)
        frame = data[offset + 16 : offset + 16 + included]
        offset += 16 + included
        assert included == original <= snaplen
        assert frame[12:14] == b"\x08\x00"  # IPv4
        ip = frame[14:]
        assert ip[0] == 0x45 and ip[9] == 17  # 20-byte header, UDP
        assert struct.unpack_from("!H", ip, 2)[0] == len(ip)
        words = struct.unpack("!10H", ip[:20])
        assert sum(words) % 0xFFFF == 0  # the header checksum verifies
        udp = ip[20:]
        assert struct.unpack_from("!H", udp, 4)[0] == len(udp)
        records.append((seconds + micros / 1e6, udp[8:]))
    return records


def test_keypad_pcap_carries_the_presses_in_one_rtp_stream_at_their_times() -> None:
    presses = [(0.5, "1"), (1.0, "2"), (1.3, "2"), (2.0, "#")]

    records = read_pcap(pcap_bytes(keypad_stream(presses, end_s=3.0)))

    packets = [(at, RtpPacket.parse(payload)) for at, payload in records]
    assert {p.ssrc for _, p in packets} == {packets[0][1].ssrc}
    sequence = [p.sequence_number for _, p in packets]
    assert sequence == list(range(sequence[0], sequence[0] + len(sequence)))
    gaps = np.diff([at for at, _ in packets])
    assert np.allclose(gaps, 0.020, atol=1e-6)  # one packet every 20 ms, as a phone sends
    receiver = DtmfReceiver()
    heard = [
        digit
        for at, packet in packets
        if packet.payload_type == DTMF_PAYLOAD_TYPE
        for digit in receiver.push(packet, at)
    ]
    assert [d.digit for d in heard] == ["1", "2", "2", "#"]  # a repeated key is two presses
    assert [round(d.timestamp, 2) for d in heard] == [0.5, 1.0, 1.3, 2.0]
    audio = [p for _, p in packets if p.payload_type == PCMU.payload_type]
    assert all(payload_rms(p.payload) == 0 for p in audio)
    assert records[-1][0] < 3.0


def test_probe_finds_the_answer_onset_after_the_caller_spoke() -> None:
    quiet, loud = 0.0, 3000.0
    heard = [(0.00, loud), (0.02, loud), (1.00, quiet), (2.00, quiet), (2.46, loud), (2.48, loud)]

    assert answer_onset(heard, after=1.5) == 2.46
    assert answer_onset(heard, after=2.5) is None
    assert quiet_for(heard[:4], now=2.0) == pytest.approx(1.98)
    assert quiet_for(heard, now=2.5) == pytest.approx(0.02)
    assert quiet_for([(0.5, quiet)], now=2.0) is None  # nothing loud yet: no greeting heard


def test_probe_counts_greeting_progress_in_loud_packets_and_sees_overlap() -> None:
    quiet, loud = 0.0, 3000.0
    stalled = [(0.02 * i, loud) for i in range(50)] + [(5.0 + 0.02 * i, loud) for i in range(25)]

    assert loud_seconds(stalled) == pytest.approx(1.5)  # the 4 s stall adds nothing
    assert loud_seconds([(0.0, quiet), (0.02, quiet)]) == 0
    assert loud_between(stalled, 4.0, 5.1)  # the bot resumed while the caller spoke
    assert not loud_between(stalled, 1.5, 4.9)


def test_utterance_payloads_are_20_ms_of_mu_law_each_and_keep_the_last_sound() -> None:
    tone = (8000 * np.sin(np.linspace(0, 200 * np.pi, 1000))).astype(np.int16)  # 125 ms

    payloads = utterance_payloads(tone)

    assert [len(p) for p in payloads] == [160] * 7  # 1000 samples padded to 7 packets
    assert payload_rms(payloads[0]) == pytest.approx(8000 / np.sqrt(2), rel=0.05)
    assert payload_rms(payloads[-1]) > 1000  # 40 tone samples and silence


def test_percentile_is_numpy_linear() -> None:
    assert percentile([0.1, 0.2, 0.3, 0.4, 1.0], 50) == pytest.approx(0.3)
    assert percentile([0.1, 0.2, 0.3, 0.4, 1.0], 95) == pytest.approx(0.88)
