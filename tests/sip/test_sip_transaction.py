"""RFC 3261 §17 transactions on virtual time: retransmissions, timeouts, absorbed duplicates."""

from pathlib import Path

import pytest

from telephony.sip.build import response_to
from telephony.sip.errors import SipStateError, SipTimeout
from telephony.sip.message import SipRequest, parse_message
from telephony.sip.timers import ClockTimers
from telephony.sip.transaction import (
    ClientInviteTransaction,
    ClientNonInviteTransaction,
    ServerInviteTransaction,
    ServerNonInviteTransaction,
    TxState,
    transaction_key,
)
from voicebot.clock import FakeClock

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sip"


def invite() -> SipRequest:
    message = parse_message((FIXTURES / "sipp_uac_invite.sip").read_bytes())
    assert isinstance(message, SipRequest)
    return message


def bye() -> SipRequest:
    message = parse_message((FIXTURES / "compact_bye.sip").read_bytes())
    assert isinstance(message, SipRequest)
    return message


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def timers(clock):
    timers = ClockTimers(clock)
    yield timers
    timers.close()


async def test_client_invite_retransmits_with_timer_a_then_gives_up_at_timer_b(clock, timers):
    sent: list[float] = []
    tx = ClientInviteTransaction(invite(), lambda data: sent.append(clock.now()), timers)
    tx.start()
    await clock.advance(40)
    # sent at 0, then after 0.5, 1, 2, 4, 8, 16 s (doubling, no cap for INVITE) until B at 32 s
    assert sent == [0.0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5]
    assert tx.state is TxState.TERMINATED
    with pytest.raises(SipTimeout, match="timer B"):
        tx.final.result()


async def test_client_invite_acks_an_error_and_absorbs_its_retransmission(clock, timers):
    sent: list[bytes] = []
    request = invite()
    tx = ClientInviteTransaction(request, sent.append, timers)
    tx.start()
    tx.receive(response_to(request, 180, to_tag="t1"))
    assert tx.state is TxState.PROCEEDING
    await clock.advance(5)
    assert len(sent) == 1  # no retransmission in PROCEEDING
    busy = response_to(request, 486, to_tag="t1")
    tx.receive(busy)
    tx.receive(busy)
    acks = [parse_message(s) for s in sent[1:]]
    assert [a.method for a in acks] == ["ACK", "ACK"]
    assert acks[0].top_via.branch == request.top_via.branch and acks[0].to.tag == "t1"
    assert (await tx.final).status == 486
    await clock.advance(32)
    assert tx.state is TxState.TERMINATED


async def test_client_invite_passes_2xx_retransmissions_up(clock, timers):
    request = invite()
    seen: list[int] = []
    tx = ClientInviteTransaction(request, lambda data: None, timers)
    tx.on_response = lambda r: seen.append(r.status)
    tx.start()
    ok = response_to(request, 200, to_tag="x")
    tx.receive(ok)
    tx.receive(ok)
    assert seen == [200, 200] and tx.state is TxState.ACCEPTED
    await clock.advance(32)
    assert tx.state is TxState.TERMINATED


async def test_client_non_invite_caps_retransmissions_at_t2_and_times_out_with_f(clock, timers):
    sent: list[float] = []
    tx = ClientNonInviteTransaction(bye(), lambda data: sent.append(clock.now()), timers)
    tx.start()
    await clock.advance(33)
    gaps = [round(b - a, 3) for a, b in zip(sent, sent[1:], strict=False)]
    assert gaps[:4] == [0.5, 1.0, 2.0, 4.0] and set(gaps[4:]) == {4.0}
    with pytest.raises(SipTimeout, match="timer F"):
        tx.final.result()


async def test_client_non_invite_over_tcp_never_retransmits(clock, timers):
    sent: list[bytes] = []
    request = bye()
    tx = ClientNonInviteTransaction(request, sent.append, timers, reliable=True)
    tx.start()
    await clock.advance(10)
    tx.receive(response_to(request, 200))
    assert len(sent) == 1 and tx.state is TxState.TERMINATED and (await tx.final).status == 200


async def test_server_invite_error_response_retransmits_until_ack(clock, timers):
    sent: list[float] = []
    request = invite()
    tx = ServerInviteTransaction(request, lambda data: sent.append(clock.now()), timers)
    tx.respond(response_to(request, 100))
    tx.receive_retransmission()
    assert sent == [0.0, 0.0]  # the retransmitted INVITE got the 100 again
    tx.respond(response_to(request, 486, to_tag="t"))
    await clock.advance(2)
    assert sent[2:] == [0.0, 0.5, 1.5]  # timer G doubles
    tx.receive_ack()
    assert tx.state is TxState.CONFIRMED
    await clock.advance(5)
    assert tx.state is TxState.TERMINATED and len(sent) == 5


async def test_server_invite_gives_up_waiting_for_ack_at_timer_h(clock, timers):
    request = invite()
    timed_out: list[bool] = []
    tx = ServerInviteTransaction(request, lambda data: None, timers)
    tx.on_ack_timeout = lambda: timed_out.append(True)
    tx.respond(response_to(request, 488, to_tag="t"))
    await clock.advance(32)
    assert timed_out == [True] and tx.state is TxState.TERMINATED


async def test_server_invite_2xx_moves_to_accepted_and_refuses_an_error_afterwards(clock, timers):
    request = invite()
    tx = ServerInviteTransaction(request, lambda data: None, timers)
    tx.respond(response_to(request, 200, to_tag="t"))
    assert tx.state is TxState.ACCEPTED
    with pytest.raises(SipStateError):
        tx.respond(response_to(request, 500, to_tag="t"))


async def test_server_non_invite_answers_retransmissions_from_completed_then_ends_at_j(
    clock, timers
):
    sent: list[bytes] = []
    request = bye()
    tx = ServerNonInviteTransaction(request, sent.append, timers)
    tx.receive_retransmission()
    assert sent == []  # TRYING absorbs
    tx.respond(response_to(request, 200))
    tx.receive_retransmission()
    assert len(sent) == 2 and sent[0] == sent[1]
    await clock.advance(31.9)
    assert tx.state is TxState.COMPLETED
    await clock.advance(0.2)
    assert tx.state is TxState.TERMINATED


def test_ack_and_cancel_keys():
    request = invite()
    assert transaction_key(request) == ("z9hG4bK-10379-1-0", "INVITE")
    ack = SipRequest(request.headers.copy(), b"", "ACK", request.uri)
    ack.headers.set("CSeq", "1 ACK")
    assert transaction_key(ack) == transaction_key(request)
    cancel = SipRequest(request.headers.copy(), b"", "CANCEL", request.uri)
    cancel.headers.set("CSeq", "1 CANCEL")
    assert transaction_key(cancel) == ("z9hG4bK-10379-1-0", "CANCEL")
