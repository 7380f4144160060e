"""SDP parse/serialize and offer/answer for G.711 + telephone-event."""

from pathlib import Path

import pytest

from telephony.sdp import (
    SdpError,
    SdpNegotiationError,
    SdpSession,
    accept_answer,
    make_offer,
    negotiate,
    negotiate_answer,
    parse_sdp,
    with_direction,
)
from telephony.sip.message import parse_message

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sip"


def offer_from(name: str):
    return parse_sdp(parse_message((FIXTURES / name).read_bytes()).body)


def sdp(*media_lines: str, connection: str = "192.0.2.7") -> bytes:
    lines = [
        "v=0",
        "o=- 1 1 IN IP4 192.0.2.7",
        "s=-",
        f"c=IN IP4 {connection}",
        "t=0 0",
        *media_lines,
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_baresip_offer_round_trips_and_reads():
    raw = parse_message((FIXTURES / "baresip_invite.sip").read_bytes()).body
    offer = parse_sdp(raw)
    assert bytes(offer) == raw
    audio = offer.media[0]
    assert audio.port == 10204 and audio.formats == ("0", "8", "101")
    assert audio.rtpmap() == {0: ("PCMU", 8000), 8: ("PCMA", 8000), 101: ("telephone-event", 8000)}
    assert audio.attribute("ptime") == "20" and audio.direction == "sendrecv"
    assert audio.other_lines == ("b=AS:64",)


def test_answer_picks_the_first_offered_codec_and_echoes_telephone_event():
    result = negotiate(offer_from("baresip_invite.sip"), local_ip="127.0.0.1", local_port=40000)
    media = result.media
    assert (media.codec, media.payload_type, media.telephone_event_pt) == ("PCMU", 0, 101)
    assert (media.remote_address, media.remote_port, media.direction) == (
        "127.0.0.1",
        10204,
        "sendrecv",
    )
    answer = parse_sdp(bytes(result.answer))
    assert answer.connection == "127.0.0.1"
    assert answer.media[0].port == 40000 and answer.media[0].formats == ("0", "101")
    assert answer.media[0].rtpmap()[101] == ("telephone-event", 8000)
    assert answer.media[0].attribute("ptime") == "20"


def test_answer_respects_our_codec_list_and_offers_event_type_number():
    offer = parse_sdp(sdp("m=audio 5000 RTP/AVP 0 8 96", "a=rtpmap:96 telephone-event/8000"))
    media = negotiate(offer, local_ip="10.0.0.1", local_port=4000, supported=("PCMA",)).media
    assert (media.codec, media.payload_type, media.telephone_event_pt) == ("PCMA", 8, 96)


def test_sipp_offer_has_no_dtmf_payload():
    media = negotiate(
        offer_from("sipp_uac_invite.sip"), local_ip="127.0.0.1", local_port=4000
    ).media
    assert media.codec == "PCMU" and media.telephone_event_pt is None and media.remote_port == 6000


@pytest.mark.parametrize(
    ("offered", "answered", "hold"),
    [
        ("sendrecv", "sendrecv", False),
        ("sendonly", "recvonly", True),
        ("recvonly", "sendonly", False),
        ("inactive", "inactive", True),
    ],
)
def test_direction_is_mirrored(offered, answered, hold):
    offer = parse_sdp(sdp("m=audio 5000 RTP/AVP 0", f"a={offered}"))
    result = negotiate(offer, local_ip="10.0.0.1", local_port=4000)
    assert result.media.direction == answered and result.media.on_hold is hold
    assert result.answer.media[0].direction == answered


def test_legacy_hold_with_zero_connection_address():
    offer = parse_sdp(sdp("m=audio 5000 RTP/AVP 0", connection="0.0.0.0"))
    media = negotiate(offer, local_ip="10.0.0.1", local_port=4000).media
    assert media.on_hold and media.direction == "recvonly" and not media.can_send


def test_nothing_acceptable_raises_with_the_reason():
    offer = parse_sdp(
        sdp("m=audio 5000 RTP/AVP 9 18", "a=rtpmap:9 G722/8000", "a=rtpmap:18 G729/8000")
    )
    with pytest.raises(SdpNegotiationError, match="offered G722, G729"):
        negotiate_answer(offer, local_ip="10.0.0.1", local_port=4000)
    video_only = parse_sdp(sdp("m=video 5002 RTP/AVP 96", "a=rtpmap:96 VP8/90000"))
    with pytest.raises(SdpNegotiationError):
        negotiate_answer(video_only, local_ip="10.0.0.1", local_port=4000)
    srtp = parse_sdp(sdp("m=audio 5000 RTP/SAVP 0"))
    with pytest.raises(SdpNegotiationError, match="RTP/SAVP"):
        negotiate_answer(srtp, local_ip="10.0.0.1", local_port=4000)


def test_extra_streams_are_refused_with_port_zero_in_order():
    offer = parse_sdp(
        sdp("m=video 5002 RTP/AVP 96", "a=rtpmap:96 VP8/90000", "m=audio 5000 RTP/AVP 8")
    )
    answer = negotiate_answer(offer, local_ip="10.0.0.1", local_port=4000)
    assert [(m.media, m.port) for m in answer.media] == [("video", 0), ("audio", 4000)]


def test_session_version_grows_with_each_answer():
    session = SdpSession("10.0.0.1")
    offer = offer_from("baresip_invite.sip")
    first = negotiate_answer(offer, local_ip="10.0.0.1", local_port=4000, session=session)
    second = negotiate_answer(offer, local_ip="10.0.0.1", local_port=4000, session=session)
    assert first.origin.session_id == second.origin.session_id
    assert int(second.origin.session_version) == int(first.origin.session_version) + 1


def test_offer_and_answer_for_an_outgoing_call_and_hold():
    offer = make_offer(local_ip="10.0.0.1", local_port=4000)
    assert offer.media[0].formats == ("0", "8", "101")
    answer = negotiate_answer(parse_sdp(bytes(offer)), local_ip="10.0.0.2", local_port=5000)
    media = accept_answer(offer, answer)
    assert (media.remote_address, media.remote_port, media.codec) == ("10.0.0.2", 5000, "PCMU")
    assert with_direction(offer, "sendonly").media[0].direction == "sendonly"


@pytest.mark.parametrize(
    "text",
    [
        b"",
        b"v=1\r\n",
        b"v=0\r\ns=-\r\n",
        b"v=0\r\no=- 1 1 IN IP4 a\r\nm=audio x RTP/AVP 0\r\n",
        b"v=0\r\nbogus\r\n",
    ],
)
def test_bad_sdp_is_rejected(text):
    with pytest.raises(SdpError):
        parse_sdp(text)
