import pytest

from telephony.rtp import RtpPacket, is_rtcp, seq_delta, timestamp_delta

# Byte strings as seen on the wire (hex, spaces for reading): header fields, then payload.
PCMU_WITH_MARKER = bytes.fromhex("80 80 5b 2c 00 01 f4 00 2a 1b 3c 4d" + " ff" * 160)
PCMA_PLAIN = bytes.fromhex("80 08 ff ff ff ff ff 60 00 00 00 07" + " d5" * 160)
DTMF_END = bytes.fromhex("80 65 00 10 00 00 03 20 12 34 56 78 05 8a 03 20")
# two CSRCs, an RFC 8285 one-byte-header extension (0xBEDE, 1 word) and 4 bytes of padding
MIXER_WITH_EXTENSION_AND_PADDING = bytes.fromhex(
    "b2 00 00 2a 00 00 00 a0 11 22 33 44"
    "00 00 00 01 00 00 00 02"
    "be de 00 01 10 ff 00 00"
    "de ad be ef"
    "00 00 00 04"
)


@pytest.mark.parametrize(
    "wire", [PCMU_WITH_MARKER, PCMA_PLAIN, DTMF_END, MIXER_WITH_EXTENSION_AND_PADDING]
)
def test_parse_then_bytes_gives_back_the_same_packet(wire):
    assert bytes(RtpPacket.parse(wire)) == wire


def test_fields_of_a_pcmu_packet():
    packet = RtpPacket.parse(PCMU_WITH_MARKER)
    assert (packet.payload_type, packet.marker) == (0, True)
    assert (packet.sequence_number, packet.timestamp, packet.ssrc) == (0x5B2C, 0x1F400, 0x2A1B3C4D)
    assert packet.payload == b"\xff" * 160


def test_fields_of_a_mixed_packet():
    packet = RtpPacket.parse(MIXER_WITH_EXTENSION_AND_PADDING)
    assert packet.csrc == (1, 2)
    assert packet.extension_profile == 0xBEDE and packet.extension == bytes.fromhex("10ff0000")
    assert packet.padding_size == 4
    assert packet.payload == bytes.fromhex("deadbeef")


@pytest.mark.parametrize(
    ("wire", "message"),
    [
        (b"\x80\x00\x00", "3 bytes, shorter than the 12-byte header"),
        (bytes.fromhex("40000001000000000000002a"), "RTP version is 1, expected 2"),
        (bytes.fromhex("83000001000000000000002a00000001"), "too short for 3 CSRCs"),
        (bytes.fromhex("90000001000000000000002abede0005"), "runs past the packet end"),
        (bytes.fromhex("a0000001000000000000002a00000009"), "padding count 9 does not fit"),
    ],
)
def test_malformed_packets_say_what_is_wrong(wire, message):
    with pytest.raises(ValueError, match=message):
        RtpPacket.parse(wire)


def test_fields_are_range_checked():
    with pytest.raises(ValueError, match="sequence number must be 0-65535"):
        RtpPacket(0, 70000, 0, 1)


def test_rtcp_is_told_apart_from_rtp_on_a_muxed_port():
    assert is_rtcp(bytes.fromhex("80c80006"))  # SR
    assert is_rtcp(bytes.fromhex("81c90007"))  # RR
    assert not is_rtcp(PCMU_WITH_MARKER) and not is_rtcp(DTMF_END)


def test_wrapping_distances():
    assert seq_delta(2, 65534) == 4 and seq_delta(65534, 2) == -4
    assert timestamp_delta(100, 0xFFFFFF00) == 356
