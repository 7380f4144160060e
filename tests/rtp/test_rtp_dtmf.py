import pytest

from telephony.leg import DtmfDigit
from telephony.rtp import DtmfReceiver, RtpPacket, TelephoneEvent, dtmf_packets


def _packets(digit: str, timestamp: int, first_seq: int, ssrc: int = 7) -> list[RtpPacket]:
    return [
        RtpPacket(101, (first_seq + i) & 0xFFFF, timestamp, ssrc, payload, marker=i == 0)
        for i, payload in enumerate(dtmf_packets(digit))
    ]


def test_telephone_event_payload_round_trip():
    wire = bytes.fromhex("0b8a0320")  # '#', end, volume 10, duration 800
    event = TelephoneEvent.parse(wire)
    assert (event.digit, event.end, event.volume, event.duration) == ("#", True, 10, 800)
    assert bytes(event) == wire


def test_a_100ms_press_is_four_updates_and_three_end_packets():
    events = [TelephoneEvent.parse(p) for p in dtmf_packets("5", duration_ms=100)]
    assert [e.duration for e in events] == [160, 320, 480, 640, 800, 800, 800]
    assert [e.end for e in events] == [False] * 4 + [True] * 3
    assert {e.digit for e in events} == {"5"}


def test_retransmitted_end_packets_give_one_digit():
    receiver = DtmfReceiver()
    digits = []
    for index, packet in enumerate(_packets("7", timestamp=8000, first_seq=10)):
        digits += receiver.push(packet, arrival=1.0 + index * 0.02)
    assert digits == [DtmfDigit("7", 1.0, 0.1)]


def test_two_presses_of_the_same_key_are_two_digits():
    receiver = DtmfReceiver()
    stream = _packets("1", 8000, 10) + _packets("1", 9600, 17)
    digits = [d for p in stream for d in receiver.push(p)]
    assert [d.digit for d in digits] == ["1", "1"]


def test_lost_end_packets_are_recovered_by_the_next_press_or_by_expiry():
    receiver = DtmfReceiver()
    first = _packets("4", 8000, 10)[:4]  # all three end packets lost
    assert [d for p in first for d in receiver.push(p, 2.0)] == []
    digits = [d for p in _packets("2", 9600, 17) for d in receiver.push(p, 2.5)]
    assert [d.digit for d in digits] == ["4", "2"]
    assert digits[0].duration == pytest.approx(640 / 8000)

    lonely = _packets("9", 20000, 30)[:2]
    for packet in lonely:
        receiver.push(packet, arrival=3.0)
    assert receiver.expire(now=3.2) == []
    assert [d.digit for d in receiver.expire(now=3.6)] == ["9"]
    late_end = _packets("9", 20000, 30)[-1]
    assert receiver.push(late_end, 3.7) == []  # already reported


def test_reordered_end_before_update_still_gives_one_digit():
    receiver = DtmfReceiver()
    packets = _packets("*", 4000, 65533)
    order = [0, 1, 4, 2, 3, 5, 6]
    digits = [d for i in order for d in receiver.push(packets[i])]
    assert [d.digit for d in digits] == ["*"]


def test_bad_digit_is_refused():
    with pytest.raises(ValueError, match="not a DTMF digit: 'x'"):
        dtmf_packets("x")
