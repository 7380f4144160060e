"""The SIP wire format: real and RFC captures parse, round-trip, and bad input fails precisely."""

from pathlib import Path

import pytest

from telephony.sip.errors import SipParseError
from telephony.sip.headers import Headers, canonical_name, split_list
from telephony.sip.message import SipRequest, SipResponse, StreamFramer, parse_message

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sip"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.mark.parametrize(
    "name",
    ["rfc3261_invite.sip", "rfc3261_200ok.sip", "rfc3261_register_401.sip", "baresip_invite.sip"],
)
def test_canonical_captures_round_trip_byte_for_byte(name):
    data = fixture(name)
    assert bytes(parse_message(data)) == data


@pytest.mark.parametrize(
    "name", ["sipp_uac_invite.sip", "baresip_v1_invite.sip", "rfc4475_wsinv.sip", "compact_bye.sip"]
)
def test_every_capture_round_trips_to_the_same_message(name):
    first = parse_message(fixture(name))
    second = parse_message(bytes(first))
    assert bytes(second) == bytes(first)
    assert second.headers == first.headers and second.body == first.body


def test_sipp_invite_fields():
    invite = parse_message(fixture("sipp_uac_invite.sip"))
    assert isinstance(invite, SipRequest)
    assert invite.method == "INVITE"
    assert invite.request_uri.user == "service" and invite.request_uri.port == 25060
    assert invite.cseq == (1, "INVITE")
    assert invite.from_.tag == "10379SIPpTag001"
    assert invite.to.tag is None
    assert invite.top_via.branch == "z9hG4bK-10379-1-0"
    assert invite.content_type == "application/sdp"
    assert invite.body.startswith(b"v=0\r\n") and len(invite.body) == 129


def test_real_baresip_invite_with_an_empty_supported_header():
    invite = parse_message(fixture("baresip_v1_invite.sip"))
    assert invite.headers.get("Supported") == "" and invite.headers.get_all("Supported") == []
    assert "REFER" in invite.headers.get_all("Allow")
    assert invite.top_via.params == {"branch": "z9hG4bK790032b91798e85a", "rport": None}
    assert len(invite.body) == 315


def test_rfc4475_wsinv_whitespace_folding_and_case():
    message = parse_message(fixture("rfc4475_wsinv.sip"))
    assert message.call_id == "wsinv.ndaksdj@192.0.2.1"
    assert message.cseq == (9, "INVITE")
    assert message.headers.get("max-forwards") == "0068"
    assert message.headers.get("NewFangledHeader") == "newfangled value continued newfangled value"
    assert message.from_.display_name == 'J Rosenberg \\"'
    assert message.from_.tag == "98asjd8"
    assert message.to.tag == "1918181833n"
    vias = message.vias
    assert [(v.transport, v.host, v.branch) for v in vias] == [
        ("UDP", "192.0.2.2", "390skdjuw"),
        ("TCP", "spindle.example.com", "z9hG4bK9ikj8"),
        ("UDP", "192.168.255.111", "z9hG4bK30239"),
    ]
    assert message.headers.get("Subject") == ""
    assert message.headers.get("UnknownHeaderWithUnusualValue") == ";;,,;;,;"


def test_compact_forms_are_the_long_names():
    bye = parse_message(fixture("compact_bye.sip"))
    assert bye.call_id == "compact-1@192.0.2.20"
    assert bye.headers.get("Content-Length") == "0"
    assert bye.to.display_name == "Alice"
    assert [v.branch for v in bye.vias] == ["z9hG4bKcompact1", "z9hG4bKcompact0"]
    assert canonical_name("i") == "Call-ID" and canonical_name("r") == "Refer-To"
    assert canonical_name("WWW-AUTHENTICATE") == "WWW-Authenticate"
    assert canonical_name("x-voicebot-intent") == "X-Voicebot-Intent"


def test_commas_split_only_where_the_grammar_allows():
    headers = Headers(
        [
            ("Contact", '"Doe, John" <sip:j@a.com;x=1,2>, <sip:k@b.com>'),
            ("WWW-Authenticate", 'Digest realm="a", nonce="b"'),
            ("Allow", "INVITE,ACK , BYE"),
            ("allow", "OPTIONS"),
        ]
    )
    assert headers.get_all("contact") == ['"Doe, John" <sip:j@a.com;x=1,2>', "<sip:k@b.com>"]
    assert headers.get_all("WWW-Authenticate") == ['Digest realm="a", nonce="b"']
    assert headers.get_all("Allow") == ["INVITE", "ACK", "BYE", "OPTIONS"]
    assert split_list('"a\\",b", c') == ['"a\\",b"', "c"]


def test_200_ok_response_fields():
    ok = parse_message(fixture("rfc3261_200ok.sip"))
    assert isinstance(ok, SipResponse)
    assert ok.status == 200 and ok.reason == "OK" and ok.is_success
    assert len(ok.vias) == 3 and ok.vias[0].params["received"] == "192.0.2.3"
    assert ok.to.tag == "a6c85cf"


def test_datagram_bytes_past_content_length_are_dropped():
    data = fixture("rfc3261_invite.sip") + b"trailing junk"
    assert parse_message(data).body == parse_message(fixture("rfc3261_invite.sip")).body


def test_leading_crlf_is_ignored():
    assert parse_message(b"\r\n\r\n" + fixture("compact_bye.sip")).method == "BYE"


GOOD = fixture("rfc3261_invite.sip").decode()

MALFORMED = {
    "garbage": ("hello world", "request line", False),
    "empty": ("\r\n\r\n", "empty", False),
    "bad version": (
        GOOD.replace("SIP/2.0\r\nVia", "SIP/7.0\r\nVia", 1),
        "unsupported version",
        False,
    ),
    "no scheme uri": (
        GOOD.replace("sip:bob@biloxi.com SIP", "bob-at-biloxi SIP", 1),
        "no scheme",
        False,
    ),
    "bad method": (GOOD.replace("INVITE sip", "INV@TE sip", 1), "invalid method", False),
    "status 999": ("SIP/2.0 999 Odd\r\n\r\n", "status code", False),
    "missing Call-ID": (GOOD.replace("Call-ID: a84b4c76e66710\r\n", ""), "missing Call-ID", True),
    "missing Via": (
        GOOD.replace("Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8\r\n", ""),
        "missing Via",
        True,
    ),
    "cseq method mismatch": (GOOD.replace("314159 INVITE", "314159 BYE"), "does not match", True),
    "cseq not a number": (GOOD.replace("314159 INVITE", "x1 INVITE"), "CSeq number", True),
    "cseq too big": (GOOD.replace("314159 INVITE", "4294967296 INVITE"), "below 2**31", True),
    "content-length too big": (
        GOOD.replace("Content-Length: 156", "Content-Length: 9999"),
        "exceeds",
        True,
    ),
    "content-length text": (
        GOOD.replace("Content-Length: 156", "Content-Length: many"),
        "not a number",
        True,
    ),
    "bad via": (GOOD.replace("SIP/2.0/UDP pc33", "HTTP/1.1 pc33"), "bad Via", True),
    "bad from": (
        GOOD.replace("From: Alice <sip:alice@atlanta.com>", "From: Alice <sip:alice@atlanta.com"),
        "missing '>'",
        True,
    ),
    "bad port": (
        GOOD.replace("<sip:alice@pc33.atlanta.com>", "<sip:alice@pc33.atlanta.com:99999>"),
        "invalid port",
        True,
    ),
    "header without colon": (
        GOOD.replace("Max-Forwards: 70", "Max-Forwards 70"),
        "malformed header line",
        True,
    ),
    "two call-ids": (
        GOOD.replace("Call-ID: a84b4c76e66710", "Call-ID: a\r\nCall-ID: b"),
        "more than one Call-ID",
        True,
    ),
    "max-forwards text": (
        GOOD.replace("Max-Forwards: 70", "Max-Forwards: seventy"),
        "Max-Forwards",
        True,
    ),
    "unterminated quote": (GOOD.replace("From: Alice", 'From: "Alice'), "unterminated", True),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_input_fails_with_a_precise_reason(case):
    text, reason, has_request_line = MALFORMED[case]
    with pytest.raises(SipParseError) as info:
        parse_message(text.encode())
    assert reason in str(info.value)
    assert (info.value.partial is not None) is has_request_line


def test_partial_request_still_addresses_a_400():
    with pytest.raises(SipParseError) as info:
        parse_message(MALFORMED["cseq method mismatch"][0].encode())
    partial = info.value.partial
    assert isinstance(partial, SipRequest)
    assert partial.call_id == "a84b4c76e66710" and partial.top_via.branch == "z9hG4bKnashds8"


def test_non_utf8_head_is_rejected():
    with pytest.raises(SipParseError, match="not UTF-8"):
        parse_message(b"INVITE sip:a@b SIP/2.0\r\nFrom: \xff\xfe\r\n\r\n")


def test_stream_framer_cuts_messages_by_content_length_across_partial_reads():
    invite, bye = fixture("rfc3261_invite.sip"), fixture("compact_bye.sip")
    stream = b"\r\n\r\n" + invite + bye + invite
    framer = StreamFramer()
    messages: list[bytes] = []
    for index in range(0, len(stream), 37):
        messages.extend(framer.feed(stream[index : index + 37]))
    assert messages == [invite, bye, invite]
    assert framer.buffered == 0


def test_stream_framer_rejects_an_unbounded_head():
    framer = StreamFramer(max_size=1000)
    with pytest.raises(SipParseError, match="no end of headers"):
        framer.feed(b"INVITE sip:a@b SIP/2.0\r\n" + b"X: y\r\n" * 300)
