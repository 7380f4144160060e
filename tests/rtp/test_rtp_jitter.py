import numpy as np

from telephony.rtp import Concealment, ConcealmentKind, JitterBuffer, Playout, RtpPacket

LOSS, UNDERRUN = ConcealmentKind.LOSS, ConcealmentKind.UNDERRUN


def _packet(seq: int, ssrc: int = 1, first_seq: int = 0, first_ts: int = 0) -> RtpPacket:
    timestamp = (first_ts + ((seq - first_seq) & 0xFFFF) * 160) & 0xFFFFFFFF
    return RtpPacket(0, seq & 0xFFFF, timestamp, ssrc, bytes([seq & 0xFF]) * 160)


def _play(buffer: JitterBuffer, ticks: int) -> list:
    """What each tick played: a sequence number, or 'loss' / 'underrun'."""
    out = []
    for _ in range(ticks):
        match buffer.pop():
            case Playout(packet):
                out.append(packet.sequence_number)
            case Concealment(kind):
                out.append(kind.value)
    return out


def test_in_order_stream_plays_after_the_prefetch():
    buffer = JitterBuffer(capacity=8, prefetch=2)
    assert _play(buffer, 1) == ["underrun"]  # nothing yet
    buffer.push(_packet(100))
    assert _play(buffer, 1) == ["underrun"]  # one packet is not yet the cushion
    buffer.push(_packet(101))
    assert _play(buffer, 2) == [100, 101]


def test_reordering_within_depth_is_undone():
    buffer = JitterBuffer(capacity=8, prefetch=3)
    for seq in (11, 10, 13, 12, 15, 14):
        buffer.push(_packet(seq))
    assert _play(buffer, 6) == [10, 11, 12, 13, 14, 15]


def test_duplicates_are_dropped_and_counted():
    buffer = JitterBuffer(prefetch=1)
    for seq in (1, 1, 2, 1, 2, 3):
        buffer.push(_packet(seq))
    assert _play(buffer, 3) == [1, 2, 3]
    buffer.push(_packet(2))  # a very late duplicate of something played
    assert buffer.stats.duplicates == 3 and buffer.stats.late == 1


def test_a_lost_packet_is_concealed_and_a_late_one_dropped():
    buffer = JitterBuffer(prefetch=2)
    for seq in (1, 2, 4, 5):
        buffer.push(_packet(seq))
    assert _play(buffer, 3) == [1, 2, "loss"]
    buffer.push(_packet(3))  # arrives after its slot was concealed
    assert _play(buffer, 2) == [4, 5]
    assert (buffer.stats.lost, buffer.stats.late) == (1, 1)


def test_concealment_carries_the_expected_timestamp_across_the_32_bit_wrap():
    buffer = JitterBuffer(prefetch=1)
    first_ts = 0xFFFFFFFF - 159  # the second packet's timestamp wraps to 0
    for seq in (0, 2):
        buffer.push(_packet(seq, first_ts=first_ts))
    assert isinstance(buffer.pop(), Playout)
    gap = buffer.pop()
    assert gap == Concealment(LOSS, 1, 0)
    played = buffer.pop()
    assert isinstance(played, Playout) and played.packet.timestamp == 160


def test_sequence_wraparound_keeps_order():
    buffer = JitterBuffer(capacity=8, prefetch=3)
    for seq in (65534, 0, 65535, 1, 2):
        buffer.push(_packet(seq, first_seq=65534))
    assert _play(buffer, 5) == [65534, 65535, 0, 1, 2]


def test_underrun_then_rebuilds_the_cushion():
    buffer = JitterBuffer(prefetch=2)
    for seq in (1, 2):
        buffer.push(_packet(seq))
    assert _play(buffer, 3) == [1, 2, "underrun"]
    buffer.push(_packet(3))
    assert _play(buffer, 1) == ["underrun"]  # waits for two packets again
    buffer.push(_packet(4))
    assert _play(buffer, 2) == [3, 4]
    assert buffer.stats.underruns == 1


def test_overflow_drops_the_oldest_and_counts():
    buffer = JitterBuffer(capacity=4, prefetch=1)
    for seq in range(10, 17):  # 7 packets into 4 slots
        buffer.push(_packet(seq))
    assert buffer.buffered == 4 and buffer.stats.overflow_drops == 3
    assert _play(buffer, 4) == [13, 14, 15, 16]


def test_a_big_sequence_jump_flushes_instead_of_looping():
    buffer = JitterBuffer(capacity=4, prefetch=1)
    buffer.push(_packet(10))
    buffer.push(_packet(30010))
    assert _play(buffer, 1) == [30010]


def test_new_ssrc_resets_the_buffer():
    buffer = JitterBuffer(prefetch=1)
    for seq in (500, 501):
        buffer.push(_packet(seq, ssrc=1))
    assert _play(buffer, 1) == [500]
    buffer.push(_packet(7, ssrc=2))  # the far end restarted its stream
    assert _play(buffer, 1) == [7]
    assert buffer.stats.ssrc_changes == 1


def test_a_jittery_lossy_network_plays_in_order_with_every_slot_accounted_for():
    rng = np.random.default_rng(3)
    count = 3000  # a minute of packets crossing the sequence wrap
    first = 64000
    sent_at = np.arange(count) * 0.02
    arrival = sent_at + rng.uniform(0.0, 0.06, count)  # up to 60 ms of jitter: reordering
    lost = rng.random(count) < 0.02
    arrivals = sorted((arrival[i], i) for i in range(count) if not lost[i])
    buffer = JitterBuffer(capacity=8, prefetch=4)
    played: list[int] = []
    concealed = 0
    next_arrival = 0
    for tick in range(count + 20):
        now = 0.03 + tick * 0.02
        while next_arrival < len(arrivals) and arrivals[next_arrival][0] <= now:
            buffer.push(_packet(first + arrivals[next_arrival][1], first_seq=first))
            next_arrival += 1
        match buffer.pop():
            case Playout(packet):
                played.append((packet.sequence_number - first) % 65536)
            case Concealment(ConcealmentKind.LOSS):
                concealed += 1
    assert played == sorted(set(played))  # in order, never twice
    stats = buffer.stats
    assert stats.played == len(played) and stats.lost == concealed
    assert len(played) + stats.late + stats.overflow_drops == count - lost.sum()
    assert len(played) > 0.97 * (count - lost.sum())  # 80 ms of cushion absorbs 60 ms of jitter
