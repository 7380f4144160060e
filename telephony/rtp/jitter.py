"""A pure jitter buffer for fixed-duration frames (G.711: one 20 ms packet per playout tick).

push() packets as they arrive, in any order; pop() once per playout tick. It reorders within
`capacity` packets, drops duplicates and packets that come after their slot was played, reports a
lost packet as Concealment(LOSS) when later packets are already waiting, and an empty buffer as
Concealment(UNDERRUN) (then it waits to hold `prefetch` packets again, rebuilding its cushion).
Sequence numbers wrap at 16 bits and timestamps at 32 bits. A new SSRC (the far end restarted its
stream) resets the buffer.

Overflow policy: at most `capacity` sequence slots are held; a packet beyond that drops the oldest
slots (counted in stats.overflow_drops) so latency never grows past capacity x frame time.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from telephony.rtp.packet import RtpPacket, seq_delta


class ConcealmentKind(enum.Enum):
    LOSS = "loss"  # this packet is missing but later ones arrived: play a concealment frame
    UNDERRUN = "underrun"  # nothing buffered at all (network stall, or the far end sends nothing)


@dataclass(frozen=True, slots=True)
class Playout:
    packet: RtpPacket


@dataclass(frozen=True, slots=True)
class Concealment:
    kind: ConcealmentKind
    sequence_number: int  # the slot that had nothing to play
    timestamp: int  # its expected RTP timestamp (0 before anything has played)


@dataclass(slots=True)
class JitterStats:
    received: int = 0
    played: int = 0
    lost: int = 0
    underruns: int = 0
    late: int = 0
    duplicates: int = 0
    overflow_drops: int = 0
    ssrc_changes: int = 0


class JitterBuffer:
    def __init__(self, capacity: int = 8, prefetch: int = 2, samples_per_packet: int = 160) -> None:
        if capacity < 1 or not 0 <= prefetch <= capacity:
            raise ValueError(
                f"need capacity >= 1 and 0 <= prefetch <= capacity, got {capacity}, {prefetch}"
            )
        self.capacity = capacity
        self.prefetch = prefetch
        self.samples_per_packet = samples_per_packet
        self.stats = JitterStats()
        self._reset()

    def _reset(self) -> None:
        self._slots: dict[int, RtpPacket] = {}
        self._ssrc: int | None = None
        self._next_seq: int | None = None
        self._next_timestamp = 0
        self._started = False  # has anything been played since the last reset
        self._primed = False  # is playout running (False while building the prefetch cushion)

    @property
    def buffered(self) -> int:
        return len(self._slots)

    def push(self, packet: RtpPacket) -> None:
        if self._ssrc is not None and packet.ssrc != self._ssrc:
            self.stats.ssrc_changes += 1
            self._reset()
        self._ssrc = packet.ssrc
        self.stats.received += 1
        seq = packet.sequence_number
        if self._next_seq is None:
            self._next_seq = seq
        delta = seq_delta(seq, self._next_seq)
        if delta < 0:
            newest = max((seq_delta(s, seq) for s in self._slots), default=0)
            if self._started or newest >= self.capacity:
                self.stats.late += 1
                return
            self._next_seq = seq  # reordered before playout began: start earlier
            delta = 0
        if seq in self._slots:
            self.stats.duplicates += 1
            return
        if delta >= self.capacity:
            self._advance_to((seq - self.capacity + 1) & 0xFFFF)
            if not self._slots:  # a jump, not a burst: nothing left to wait for
                self._next_seq, self._next_timestamp = seq, packet.timestamp
        self._slots[seq] = packet

    def _advance_to(self, new_next: int) -> None:
        assert self._next_seq is not None
        skipped = seq_delta(new_next, self._next_seq)
        for old in [s for s in self._slots if seq_delta(s, new_next) < 0]:
            del self._slots[old]
            self.stats.overflow_drops += 1
        self._next_seq = new_next
        self._next_timestamp = (
            self._next_timestamp + skipped * self.samples_per_packet
        ) & 0xFFFFFFFF

    def pop(self) -> Playout | Concealment:
        seq = self._next_seq
        if seq is None:
            return Concealment(ConcealmentKind.UNDERRUN, 0, 0)
        if not self._primed:
            if len(self._slots) < max(self.prefetch, 1):
                return Concealment(ConcealmentKind.UNDERRUN, seq, self._next_timestamp)
            self._primed = True
        packet = self._slots.pop(seq, None)
        if packet is not None:
            self._started = True
            self.stats.played += 1
            self._step(packet.timestamp)
            return Playout(packet)
        if self._slots:
            self.stats.lost += 1
            concealment = Concealment(ConcealmentKind.LOSS, seq, self._next_timestamp)
            self._step(self._next_timestamp)
            return concealment
        self.stats.underruns += 1
        self._primed = False
        return Concealment(ConcealmentKind.UNDERRUN, seq, self._next_timestamp)

    def _step(self, played_timestamp: int) -> None:
        assert self._next_seq is not None
        self._next_seq = (self._next_seq + 1) & 0xFFFF
        self._next_timestamp = (played_timestamp + self.samples_per_packet) & 0xFFFFFFFF
