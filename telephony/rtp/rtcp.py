"""RTCP sender and receiver reports (RFC 3550 section 6.4) and the receiver statistics behind them.

Parsing and building are pure; ReceiverStatistics follows the RFC's appendix A.1/A.3/A.8 for
extended sequence numbers, cumulative and fractional loss, and interarrival jitter.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from telephony.rtp.packet import RtpPacket, timestamp_delta

SR, RR, SDES = 200, 201, 202
CNAME = 1
NTP_EPOCH_OFFSET = 2_208_988_800  # seconds from 1900-01-01 (NTP) to 1970-01-01 (Unix)


def ntp_timestamp(unix_seconds: float) -> int:
    """64-bit NTP timestamp (32.32 fixed point) of a Unix time."""
    return int((unix_seconds + NTP_EPOCH_OFFSET) * (1 << 32)) & 0xFFFFFFFFFFFFFFFF


@dataclass(frozen=True, slots=True)
class ReportBlock:
    ssrc: int  # the source this block reports on
    fraction_lost: int  # 0-255: lost share since the previous report, times 256
    packets_lost: int  # cumulative, signed 24 bits
    highest_sequence: int  # extended: cycles << 16 | highest sequence number
    jitter: int  # interarrival jitter, RTP timestamp units
    last_sr: int = 0  # middle 32 bits of the NTP time of the last SR received
    delay_since_last_sr: int = 0  # units of 1/65536 s

    @classmethod
    def parse(cls, data: bytes, offset: int = 0) -> ReportBlock:
        ssrc, lost_word, highest, jitter, lsr, dlsr = struct.unpack_from("!IIIIII", data, offset)
        lost = lost_word & 0xFFFFFF
        if lost & 0x800000:
            lost -= 0x1000000
        return cls(ssrc, lost_word >> 24, lost, highest, jitter, lsr, dlsr)

    def __bytes__(self) -> bytes:
        lost = max(-0x800000, min(0x7FFFFF, self.packets_lost)) & 0xFFFFFF
        return struct.pack(
            "!IIIIII",
            self.ssrc,
            self.fraction_lost << 24 | lost,
            self.highest_sequence,
            self.jitter,
            self.last_sr,
            self.delay_since_last_sr,
        )


@dataclass(frozen=True, slots=True)
class SenderReport:
    ssrc: int
    ntp_timestamp: int
    rtp_timestamp: int
    packet_count: int
    octet_count: int
    reports: tuple[ReportBlock, ...] = ()

    def __bytes__(self) -> bytes:
        body = struct.pack(
            "!IIIIII",
            self.ssrc,
            self.ntp_timestamp >> 32,
            self.ntp_timestamp & 0xFFFFFFFF,
            self.rtp_timestamp,
            self.packet_count & 0xFFFFFFFF,
            self.octet_count & 0xFFFFFFFF,
        )
        return _packet(SR, len(self.reports), body + b"".join(map(bytes, self.reports)))


@dataclass(frozen=True, slots=True)
class ReceiverReport:
    ssrc: int
    reports: tuple[ReportBlock, ...] = ()

    def __bytes__(self) -> bytes:
        body = struct.pack("!I", self.ssrc) + b"".join(map(bytes, self.reports))
        return _packet(RR, len(self.reports), body)


@dataclass(frozen=True, slots=True)
class OtherRtcp:
    """An RTCP packet we do not interpret (SDES, BYE, APP, feedback): kept as its bytes."""

    packet_type: int
    data: bytes


RtcpPacket = SenderReport | ReceiverReport | OtherRtcp


def _packet(packet_type: int, count: int, body: bytes) -> bytes:
    if count > 31:
        raise ValueError(f"an RTCP packet holds at most 31 report blocks, got {count}")
    return struct.pack("!BBH", 0x80 | count, packet_type, len(body) // 4) + body


def sdes_cname(ssrc: int, cname: str) -> bytes:
    """An SDES packet with one CNAME item: RFC 3550 wants one in every compound RTCP packet."""
    text = cname.encode()[:255]
    chunk = struct.pack("!IBB", ssrc, CNAME, len(text)) + text + b"\x00"  # end of item list
    chunk += bytes(-len(chunk) % 4)
    return _packet(SDES, 1, chunk)


def parse_rtcp(data: bytes) -> list[RtcpPacket]:
    """Parse a compound RTCP datagram into its packets."""
    packets: list[RtcpPacket] = []
    offset = 0
    while offset < len(data):
        if len(data) - offset < 4:
            raise ValueError(f"RTCP packet at byte {offset} is shorter than its 4-byte header")
        first, packet_type, words = struct.unpack_from("!BBH", data, offset)
        if first >> 6 != 2:
            raise ValueError(f"RTCP version is {first >> 6}, expected 2")
        end = offset + 4 + 4 * words
        if end > len(data):
            raise ValueError(
                f"RTCP packet at byte {offset} claims {4 + 4 * words} bytes, only {len(data) - offset} left"
            )
        body = data[offset + 4 : end]
        if first & 0x20 and body:
            body = body[: len(body) - body[-1]]
        count = first & 0x1F
        if packet_type == SR:
            packets.append(_parse_sr(body, count))
        elif packet_type == RR:
            packets.append(_parse_rr(body, count))
        else:
            packets.append(OtherRtcp(packet_type, data[offset:end]))
        offset = end
    return packets


def _blocks(body: bytes, offset: int, count: int, kind: str) -> tuple[ReportBlock, ...]:
    if len(body) < offset + 24 * count:
        raise ValueError(f"RTCP {kind} is too short for its {count} report blocks")
    return tuple(ReportBlock.parse(body, offset + 24 * i) for i in range(count))


def _parse_sr(body: bytes, count: int) -> SenderReport:
    if len(body) < 24:
        raise ValueError(f"RTCP sender report body is {len(body)} bytes, need 24")
    ssrc, ntp_high, ntp_low, rtp_ts, packets, octets = struct.unpack_from("!IIIIII", body)
    blocks = _blocks(body, 24, count, "sender report")
    return SenderReport(ssrc, ntp_high << 32 | ntp_low, rtp_ts, packets, octets, blocks)


def _parse_rr(body: bytes, count: int) -> ReceiverReport:
    if len(body) < 4:
        raise ValueError(f"RTCP receiver report body is {len(body)} bytes, need 4")
    return ReceiverReport(
        struct.unpack_from("!I", body)[0], _blocks(body, 4, count, "receiver report")
    )


class ReceiverStatistics:
    """What one receiver knows about one source: loss, highest sequence, jitter (RFC 3550 A.1-A.8)."""

    def __init__(self, ssrc: int, clock_rate: int = 8000) -> None:
        self.ssrc = ssrc
        self.clock_rate = clock_rate
        self.received = 0
        self._base_seq: int | None = None
        self._max_seq = 0
        self._cycles = 0
        self._expected_prior = 0
        self._received_prior = 0
        self._jitter = 0.0
        self._last_arrival: float | None = None
        self._last_timestamp = 0
        self._last_sr = 0
        self._last_sr_arrival: float | None = None

    def update(self, packet: RtpPacket, arrival: float) -> None:
        """Account for one received packet; `arrival` in seconds on any steady clock."""
        seq = packet.sequence_number
        if self._base_seq is None:
            self._base_seq = self._max_seq = seq
        else:
            forward = (seq - self._max_seq) & 0xFFFF
            if 0 < forward < 3000:  # in order, maybe with a gap; a wrap starts a new cycle
                if seq < self._max_seq:
                    self._cycles += 0x10000
                self._max_seq = seq
        self.received += 1
        if self._last_arrival is not None:  # A.8: transit-time difference in timestamp units
            elapsed = (arrival - self._last_arrival) * self.clock_rate
            difference = elapsed - timestamp_delta(packet.timestamp, self._last_timestamp)
            self._jitter += (abs(difference) - self._jitter) / 16
        self._last_arrival = arrival
        self._last_timestamp = packet.timestamp

    def on_sender_report(self, report: SenderReport, arrival: float) -> None:
        self._last_sr = (report.ntp_timestamp >> 16) & 0xFFFFFFFF
        self._last_sr_arrival = arrival

    @property
    def extended_highest_sequence(self) -> int:
        return self._cycles + self._max_seq

    @property
    def expected(self) -> int:
        return 0 if self._base_seq is None else self.extended_highest_sequence - self._base_seq + 1

    @property
    def packets_lost(self) -> int:
        return self.expected - self.received

    @property
    def jitter(self) -> float:
        """Interarrival jitter in RTP timestamp units."""
        return self._jitter

    def report_block(self, now: float) -> ReportBlock:
        """A report block for the next RR/SR; starts a new interval for `fraction_lost`."""
        expected_interval = self.expected - self._expected_prior
        lost_interval = expected_interval - (self.received - self._received_prior)
        self._expected_prior = self.expected
        self._received_prior = self.received
        fraction = 0
        if expected_interval > 0 and lost_interval > 0:
            fraction = min(255, (lost_interval << 8) // expected_interval)
        delay = 0
        if self._last_sr_arrival is not None:
            delay = int((now - self._last_sr_arrival) * 65536) & 0xFFFFFFFF
        return ReportBlock(
            self.ssrc,
            fraction,
            self.packets_lost,
            self.extended_highest_sequence & 0xFFFFFFFF,
            int(self._jitter),
            self._last_sr,
            delay,
        )
