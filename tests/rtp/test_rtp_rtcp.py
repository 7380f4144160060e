import pytest

from telephony.rtp import (
    OtherRtcp,
    ReceiverReport,
    ReceiverStatistics,
    ReportBlock,
    RtpPacket,
    SenderReport,
    parse_rtcp,
    sdes_cname,
)

BLOCK = ReportBlock(0x11223344, 25, 1234, 0x0001_0005, 88, 0xAABBCCDD, 65536)
# An SR with one block followed by an SDES (CNAME "bot"): a typical compound RTCP datagram
SDES_BOT = bytes.fromhex("81ca0003 01020304 0103626f 74000000")
COMPOUND = bytes(SenderReport(0x01020304, 0xE1E2E3E4_00010000, 160000, 50, 8000, (BLOCK,)))
COMPOUND += SDES_BOT


def test_compound_packet_parses_and_rebuilds():
    sender, sdes = parse_rtcp(COMPOUND)
    assert isinstance(sender, SenderReport) and isinstance(sdes, OtherRtcp)
    assert sender.reports == (BLOCK,)
    assert (sender.packet_count, sender.octet_count, sender.rtp_timestamp) == (50, 8000, 160000)
    assert bytes(sender) + sdes.data == COMPOUND


def test_sdes_cname_matches_the_wire_form():
    assert sdes_cname(0x01020304, "bot") == SDES_BOT
    assert len(sdes_cname(1, "voicebot")) % 4 == 0


def test_receiver_report_round_trip_with_negative_cumulative_loss():
    block = ReportBlock(9, 0, -3, 70000, 12)  # duplicates can make "lost" negative
    report = ReceiverReport(0xCAFE, (block,))
    assert parse_rtcp(bytes(report)) == [report]


def test_truncated_rtcp_says_so():
    with pytest.raises(ValueError, match="claims 52 bytes, only 8 left"):
        parse_rtcp(COMPOUND[:8])


def _feed(stats: ReceiverStatistics, seqs: list[int], spacing_s: float = 0.02) -> None:
    for index, seq in enumerate(seqs):
        stats.update(RtpPacket(0, seq & 0xFFFF, (seq * 160) & 0xFFFFFFFF, 5), index * spacing_s)


def test_loss_counts_and_fraction_across_sequence_wrap():
    stats = ReceiverStatistics(5)
    seqs = [s for s in range(65530, 65530 + 100) if s % 10 != 5]  # every tenth packet lost
    _feed(stats, seqs)
    assert stats.extended_highest_sequence == 65530 + 99
    assert stats.packets_lost == 10
    block = stats.report_block(now=2.0)
    assert block.fraction_lost == 10 * 256 // 100
    assert block.packets_lost == 10
    assert stats.report_block(now=4.0).fraction_lost == 0  # a new interval, nothing new lost


def test_jitter_is_zero_for_perfect_timing_and_grows_with_irregular_arrival():
    steady = ReceiverStatistics(5)
    _feed(steady, list(range(100)))
    assert steady.jitter == pytest.approx(0, abs=1e-6)
    shaky = ReceiverStatistics(5)
    for index in range(200):
        wobble = 0.005 if index % 2 else 0.0  # every other packet 5 ms late = 40 samples
        shaky.update(RtpPacket(0, index, index * 160, 5), index * 0.02 + wobble)
    assert shaky.jitter == pytest.approx(40, rel=0.05)
