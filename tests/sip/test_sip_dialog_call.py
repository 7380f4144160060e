"""Dialog state and one call's signaling on virtual time, with the wire captured in memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from telephony.sip.call import CallOptions, CallState, SipCall, new_inbound_dialog
from telephony.sip.dialog import Dialog, DialogState
from telephony.sip.endpoint import SipEndpoint
from telephony.sip.errors import SipStateError
from telephony.sip.message import SipRequest, SipResponse, parse_message
from telephony.sip.timers import ClockTimers
from telephony.sip.transaction import ServerInviteTransaction
from telephony.sip.transport import Peer
from voicebot.clock import FakeClock

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sip"
PEER = Peer("UDP", "127.0.0.1", 25061)


def sipp_invite() -> SipRequest:
    message = parse_message((FIXTURES / "sipp_uac_invite.sip").read_bytes())
    assert isinstance(message, SipRequest)
    return message


def test_uas_dialog_takes_contact_route_set_and_tags():
    invite = sipp_invite()
    invite.headers.add("Record-Route", "<sip:proxy1.example.com;lr>, <sip:proxy2.example.com;lr>")
    dialog = Dialog.as_uas(invite, "ourtag", PEER, "<sip:voicebot@127.0.0.1:5060>")
    assert dialog.id == ("1-10379@127.0.0.1", "ourtag", "10379SIPpTag001")
    assert dialog.remote_target == "sip:sipp@127.0.0.1:25061"
    assert dialog.route_set == ["<sip:proxy1.example.com;lr>", "<sip:proxy2.example.com;lr>"]
    bye = dialog.create_request("BYE", via_host="127.0.0.1", via_port=5060)
    assert bye.uri == "sip:sipp@127.0.0.1:25061"
    assert bye.headers.get_all("Route") == dialog.route_set
    assert bye.from_.tag == "ourtag" and bye.to.tag == "10379SIPpTag001"
    assert bye.cseq == (1, "BYE")
    assert dialog.create_request("INFO", via_host="h", via_port=1).cseq == (2, "INFO")
    assert bye.top_via.branch.startswith("z9hG4bK")


def test_strict_router_becomes_the_request_uri():
    invite = sipp_invite()
    invite.headers.add("Record-Route", "<sip:strict.example.com>")
    dialog = Dialog.as_uas(invite, "t", PEER, "<sip:voicebot@127.0.0.1>")
    bye = dialog.create_request("BYE", via_host="h", via_port=1)
    assert bye.uri == "sip:strict.example.com"
    assert bye.headers.get_all("Route") == ["<sip:sipp@127.0.0.1:25061>"]


def test_remote_cseq_must_grow_and_states_are_guarded():
    dialog = Dialog.as_uas(sipp_invite(), "t", PEER, "<sip:voicebot@h>")
    late = sipp_invite()
    late.method = "BYE"
    late.headers.set("CSeq", "1 BYE")
    assert not dialog.accept_remote_cseq(late)  # 1 is not above the INVITE's 1
    late.headers.set("CSeq", "2 BYE")
    assert dialog.accept_remote_cseq(late)
    dialog.transition(DialogState.TERMINATED)
    with pytest.raises(SipStateError):
        dialog.transition(DialogState.CONFIRMED)


class RecordingMedia:
    """A media double: a fixed port, and a log of what the call asked of it."""

    local_port = 40000

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def start(self, params, sink) -> None:
        self.calls.append(f"start {params.direction}")

    def update(self, params) -> None:
        self.calls.append(f"update {params.direction}")

    async def send_audio(self, frame) -> None:
        self.calls.append("audio")

    async def close(self) -> None:
        self.calls.append("close")


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def wire(clock):
    timers = ClockTimers(clock)
    endpoint = SipEndpoint("127.0.0.1", 5060, timers=timers, on_request=lambda *a: None)
    sent: list[SipRequest | SipResponse] = []
    endpoint.transport.send = lambda data, peer: sent.append(parse_message(data))  # type: ignore[method-assign]
    yield endpoint, sent
    timers.close()


def answered_call(endpoint, sent) -> SipCall:
    invite = sipp_invite()
    transaction = ServerInviteTransaction(invite, endpoint.sender(PEER), endpoint.timers)
    dialog = new_inbound_dialog(invite, PEER, "<sip:voicebot@127.0.0.1:5060>")
    call = SipCall(
        endpoint, dialog, RecordingMedia(), remote_party="sipp", headers={}, options=CallOptions()
    )
    call.invite_transaction = transaction
    assert call.answer()
    return call


async def test_2xx_is_retransmitted_until_the_ack(clock, wire):
    endpoint, sent = wire
    call = answered_call(endpoint, sent)
    await clock.advance(1.6)  # 200 at 0, then at 0.5 and 1.5
    oks = [m for m in sent if isinstance(m, SipResponse) and m.status == 200]
    assert len(oks) == 3
    assert b"a=rtpmap:0 PCMU/8000" in oks[0].body and oks[0].to.tag == call.dialog.local_tag
    ack = SipRequest(oks[0].headers.copy(), b"", "ACK", "sip:voicebot@127.0.0.1:5060")
    ack.headers.set("CSeq", "1 ACK")
    call.receive_ack(ack)
    assert call.state is CallState.CONFIRMED
    await clock.advance(30)
    assert len([m for m in sent if isinstance(m, SipResponse)]) == 3  # no more after the ACK
    await call.start_media()
    assert call.media.calls == ["start sendrecv"]


async def test_no_ack_ends_the_call_with_a_bye_after_64_t1(clock, wire):
    endpoint, sent = wire
    call = answered_call(endpoint, sent)
    await clock.advance(31.9)
    assert call.state is CallState.ANSWERED
    await clock.advance(0.2)
    byes = [m for m in sent if isinstance(m, SipRequest) and m.method == "BYE"]
    assert len(byes) == 1 and call.state is CallState.ENDED and call.end_reason == "no ACK"
    retransmits = [m for m in sent if isinstance(m, SipResponse) and m.status == 200]
    # at 0, then 0.5, 1.5, 3.5, 7.5 and every T2 = 4 s after: 11.5, 15.5, ..., 31.5
    assert len(retransmits) == 11


def test_top_via_gets_received_and_rport_for_nat():
    from telephony.sip.endpoint import stamp_top_via

    invite = sipp_invite()
    invite.headers.set(
        "Via",
        "SIP/2.0/UDP 10.1.1.5:5060;branch=z9hG4bKnat;rport, SIP/2.0/UDP 10.9.9.9;branch=z9hG4bKx",
    )
    stamp_top_via(invite, Peer("UDP", "203.0.113.7", 40123))
    first, second = invite.vias
    assert first.params == {"branch": "z9hG4bKnat", "rport": "40123", "received": "203.0.113.7"}
    assert second.params == {"branch": "z9hG4bKx"}
    local = sipp_invite()  # sent-by is the source already, and no rport: untouched
    before = bytes(local)
    stamp_top_via(local, Peer("UDP", "127.0.0.1", 25061))
    assert bytes(local) == before
