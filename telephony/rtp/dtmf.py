"""DTMF as RTP telephone-events (RFC 4733): the 4-byte payload, a receiver, a sender's series.

Payload: event (8 bits) | E end (1) | R (1) | volume (6, -dBm0) | duration (16, timestamp units).
"""

from __future__ import annotations

import struct
from collections import deque
from dataclasses import dataclass

from telephony.leg import DtmfDigit
from telephony.rtp.packet import RtpPacket

DIGITS = "0123456789*#ABCD"  # event codes 0-15, in order


def event_code(digit: str) -> int:
    code = DIGITS.find(digit.upper()) if len(digit) == 1 else -1
    if code < 0:
        raise ValueError(f"not a DTMF digit: {digit!r} (expected one of {DIGITS})")
    return code


@dataclass(frozen=True, slots=True)
class TelephoneEvent:
    event: int
    end: bool
    volume: int  # 0-63, power level in -dBm0
    duration: int  # in RTP timestamp units since the event's timestamp

    @property
    def digit(self) -> str | None:
        return DIGITS[self.event] if self.event < len(DIGITS) else None

    @classmethod
    def parse(cls, payload: bytes) -> TelephoneEvent:
        if len(payload) < 4:
            raise ValueError(f"telephone-event payload is {len(payload)} bytes, need 4")
        event, flags, duration = struct.unpack_from("!BBH", payload)
        return cls(event, bool(flags & 0x80), flags & 0x3F, duration)

    def __bytes__(self) -> bytes:
        return struct.pack(
            "!BBH", self.event, (0x80 if self.end else 0) | self.volume, self.duration
        )


def dtmf_packets(
    digit: str,
    duration_ms: int = 100,
    volume: int = 10,
    packet_ms: int = 20,
    clock_rate: int = 8000,
) -> list[bytes]:
    """Payloads to send for one key press, one per packet interval, all with the same RTP timestamp.

    Updates grow the duration every `packet_ms`; the final duration goes out in 3 end packets (the
    RFC's redundancy against loss). The first packet carries the RTP marker bit.
    """
    code = event_code(digit)
    if not 0 <= volume <= 63:
        raise ValueError(f"telephone-event volume must be 0-63, got {volume}")
    step = clock_rate * packet_ms // 1000
    total = clock_rate * duration_ms // 1000
    if total < step or total > 0xFFFF:
        raise ValueError(f"DTMF duration must be {packet_ms} ms to 8 s, got {duration_ms} ms")
    updates = [bytes(TelephoneEvent(code, False, volume, d)) for d in range(step, total, step)]
    return updates + [bytes(TelephoneEvent(code, True, volume, total))] * 3


@dataclass(slots=True)
class _Pending:
    ssrc: int
    timestamp: int
    event: TelephoneEvent
    arrival: float  # of the first packet: the press's time
    last_arrival: float


class DtmfReceiver:
    """Turn telephone-event packets into one DtmfDigit per key press.

    A press is reported on its first end packet; retransmitted end packets and late updates of the
    same press (same SSRC and RTP timestamp) are ignored. If every end packet is lost, the press is
    reported when the next press starts, or by `expire()` once the sender has been quiet long enough.
    """

    def __init__(self, clock_rate: int = 8000, remember: int = 32) -> None:
        self.clock_rate = clock_rate
        self._pending: _Pending | None = None
        self._done: deque[tuple[int, int]] = deque(maxlen=remember)

    def push(self, packet: RtpPacket, arrival: float = 0.0) -> list[DtmfDigit]:
        event = TelephoneEvent.parse(packet.payload)
        key = (packet.ssrc, packet.timestamp)
        if key in self._done or event.digit is None:  # a repeat, or a non-DTMF event (fax tones)
            return []
        digits: list[DtmfDigit] = []
        pending = self._pending
        if pending is not None and (pending.ssrc, pending.timestamp) != key:
            digits.append(self._finish(pending))
            pending = None
        if pending is None:
            pending = self._pending = _Pending(
                packet.ssrc, packet.timestamp, event, arrival, arrival
            )
        elif event.duration >= pending.event.duration:
            pending.event = event
        pending.last_arrival = max(pending.last_arrival, arrival)
        if event.end:
            digits.append(self._finish(pending))
        return digits

    def expire(self, now: float, timeout: float = 0.5) -> list[DtmfDigit]:
        """Report a press whose end packets never came, once its packets stopped `timeout` s ago."""
        if self._pending is not None and now - self._pending.last_arrival >= timeout:
            return [self._finish(self._pending)]
        return []

    def _finish(self, pending: _Pending) -> DtmfDigit:
        self._pending = None
        self._done.append((pending.ssrc, pending.timestamp))
        digit = pending.event.digit
        assert digit is not None  # non-DTMF events never become pending
        return DtmfDigit(digit, pending.arrival, pending.event.duration / self.clock_rate)
