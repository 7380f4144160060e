"""RTP streams as pcap files for SIPp's `play_pcap_audio`: pure bytes out, no sockets.

SIPp replays the UDP payloads of a pcap with the capture's timing, to the media address the call
negotiated; addresses and ports in the file do not matter. The stream here is one RTP session (one
SSRC, consecutive sequence numbers) of 20 ms PCMU packets, silent or not, with RFC 4733 key
presses where the timeline asks for them - what a phone sends, unlike splicing separate captures,
which repeats SSRCs and timestamps.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence

import numpy as np

from telephony.rtp.codec import PCMU, G711Codec
from telephony.rtp.sender import RtpSender
from voicebot.audio.frame import AudioFrame

PACKET_S = 0.020
PCAP_MAGIC = 0xA1B2C3D4
LINKTYPE_ETHERNET = 1
DTMF_PAYLOAD_TYPE = 101  # what the scenarios offer in their SDP


def pcap_bytes(
    packets: Iterable[tuple[float, bytes]],
    source: tuple[str, int] = ("127.0.0.1", 40000),
    destination: tuple[str, int] = ("127.0.0.1", 40002),
) -> bytes:
    """A classic pcap (Ethernet, IPv4, UDP) holding each (seconds, UDP payload) in order."""
    parts = [struct.pack("<IHHiIII", PCAP_MAGIC, 2, 4, 0, 0, 65535, LINKTYPE_ETHERNET)]
    for identification, (at, payload) in enumerate(packets):
        frame = _ethernet(
            _ipv4(
                _udp(payload, source[1], destination[1]), source[0], destination[0], identification
            )
        )
        seconds = int(at)
        micros = round((at - seconds) * 1_000_000)
        parts.append(struct.pack("<IIII", seconds, micros, len(frame), len(frame)))
        parts.append(frame)
    return b"".join(parts)


def _udp(payload: bytes, source_port: int, destination_port: int) -> bytes:
    return struct.pack("!HHHH", source_port, destination_port, 8 + len(payload), 0) + payload


def _ipv4(segment: bytes, source: str, destination: str, identification: int) -> bytes:
    header = struct.pack(
        "!BBHHHBBH4s4s",
        0x45,
        0,
        20 + len(segment),
        identification & 0xFFFF,
        0,
        64,
        17,  # UDP
        0,
        bytes(int(x) for x in source.split(".")),
        bytes(int(x) for x in destination.split(".")),
    )
    checksum = _ones_complement_sum(header)
    return header[:10] + struct.pack("!H", checksum) + header[12:] + segment


def _ones_complement_sum(data: bytes) -> int:
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def _ethernet(packet: bytes) -> bytes:
    return b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + packet


def keypad_stream(
    presses: Sequence[tuple[float, str]],
    *,
    end_s: float,
    codec: G711Codec = PCMU,
    key_ms: int = 100,
) -> list[tuple[float, bytes]]:
    """(seconds, RTP bytes) for a caller who stays silent and presses `presses` (seconds, digit)
    until `end_s`. Audio packets pause while a key's event packets go out, as RFC 4733 asks."""
    sender = RtpSender(
        codec, DTMF_PAYLOAD_TYPE, ssrc=0x5EC0DE, first_sequence=1000, first_timestamp=0
    )
    silence = AudioFrame(np.zeros(160, np.int16), codec.clock_rate)
    pending = sorted(presses)
    stream: list[tuple[float, bytes]] = []
    at = 0.0
    while at < end_s:
        if pending and pending[0][0] <= at:
            _, digit = pending.pop(0)
            for packet in sender.dtmf(digit, key_ms):
                stream.append((at, bytes(packet)))
                at += PACKET_S
            continue
        stream.extend((at, bytes(packet)) for packet in sender.audio(silence))
        at += PACKET_S
    return stream
