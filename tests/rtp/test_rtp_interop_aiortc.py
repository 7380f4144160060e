"""Our wire formats against an independent implementation: aiortc's RTP and RTCP parsers."""

from aiortc.rtp import RtcpPacket as AiortcRtcp
from aiortc.rtp import RtcpSdesPacket, RtcpSrPacket
from aiortc.rtp import RtpPacket as AiortcRtp

from telephony.rtp import ReportBlock, RtpPacket, SenderReport, parse_rtcp, sdes_cname


def test_aiortc_reads_our_rtp_and_we_read_theirs():
    ours = RtpPacket(8, 65535, 0xFFFFFFFF, 7, b"\xd5" * 160, marker=True, csrc=(9,))
    theirs = AiortcRtp.parse(bytes(ours))
    assert (theirs.payload_type, theirs.sequence_number, theirs.timestamp) == (8, 65535, 2**32 - 1)
    assert (theirs.ssrc, theirs.csrc, theirs.marker, theirs.payload) == (7, [9], 1, b"\xd5" * 160)

    built = AiortcRtp(payload_type=0, marker=1, sequence_number=513, timestamp=123456, ssrc=42)
    built.payload = b"\xff" * 160
    wire = built.serialize()
    parsed = RtpPacket.parse(wire)
    assert (parsed.sequence_number, parsed.timestamp, parsed.marker) == (513, 123456, True)
    assert bytes(parsed) == wire


def test_aiortc_reads_our_compound_rtcp_and_we_read_theirs():
    block = ReportBlock(5, 25, -3, 70000, 12, 7, 8)
    report = SenderReport(0x01020304, 0xE1E2E3E4_00010000, 160000, 50, 8000, (block,))
    sr, sdes = AiortcRtcp.parse(bytes(report) + sdes_cname(0x01020304, "voicebot"))
    assert isinstance(sr, RtcpSrPacket) and isinstance(sdes, RtcpSdesPacket)
    assert (sr.sender_info.packet_count, sr.sender_info.octet_count) == (50, 8000)
    info = sr.reports[0]
    assert (info.ssrc, info.fraction_lost, info.packets_lost, info.highest_sequence) == (
        5,
        25,
        -3,
        70000,
    )
    assert sdes.chunks[0].items == [(1, b"voicebot")]
    assert parse_rtcp(bytes(sr)) == [report]
