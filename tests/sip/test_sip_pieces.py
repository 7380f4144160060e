"""The small pure pieces: digest auth, rate limits, transfer context, INFO DTMF, the leg's queue."""

from __future__ import annotations

import asyncio

import pytest

from telephony.leg import DtmfDigit, LegHangup
from telephony.sip.build import make_request
from telephony.sip.digest import InboundAuth, authorization, digest_response, parse_digest
from telephony.sip.dtmf_info import DtmfInfoError, dtmf_relay_body, parse_dtmf_info
from telephony.sip.leg import MAX_QUEUED_AUDIO, SipCallLeg
from telephony.sip.ratelimit import RateLimit, SourceRateLimiter
from telephony.sip.transfer import (
    context_headers,
    decode_user_to_user,
    parse_sipfrag,
    refer_to,
    slots_value,
    target_uri,
)
from telephony.sip.uri import parse_name_addr, parse_uri
from voicebot.audio import AudioFrame


def test_rfc2617_digest_example():
    # RFC 2617 §3.5: Mufasa / Circle Of Life, qop=auth
    response = digest_response(
        algorithm="MD5",
        username="Mufasa",
        realm="testrealm@host.com",
        password="Circle Of Life",
        method="GET",
        uri="/dir/index.html",
        nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
        qop="auth",
        nc="00000001",
        cnonce="0a4f113b",
    )
    assert response == "6629fae49393a05397450978507c4ef1"


def test_rfc7616_sha256_example():
    # RFC 7616 §3.9.1
    response = digest_response(
        algorithm="SHA-256",
        username="Mufasa",
        realm="http-auth@example.org",
        password="Circle of Life",
        method="GET",
        uri="/dir/index.html",
        nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
        qop="auth",
        nc="00000001",
        cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    )
    assert response == "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"


def _invite(authorization_value: str | None = None):
    headers = [("Authorization", authorization_value)] if authorization_value else []
    return make_request(
        "INVITE",
        "sip:bot@10.0.0.1",
        via="SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKx",
        from_="<sip:trunk@192.0.2.9>;tag=1",
        to="<sip:bot@10.0.0.1>",
        call_id="c1",
        cseq=1,
        headers=headers,
    )


@pytest.mark.parametrize("algorithm_index", [0, 1])
def test_inbound_auth_challenge_and_answer(algorithm_index):
    now = [1000.0]
    auth = InboundAuth("voicebot", {"trunk": "s3cret"}, lambda: now[0])
    verdict = auth.check(_invite())
    assert not verdict.ok and len(verdict.challenges) == 2
    challenge = verdict.challenges[algorithm_index]
    answer = authorization(
        challenge, method="INVITE", uri="sip:bot@10.0.0.1", username="trunk", password="s3cret"
    )
    assert auth.check(_invite(answer)).ok
    wrong = authorization(
        challenge, method="INVITE", uri="sip:bot@10.0.0.1", username="trunk", password="guess"
    )
    assert not auth.check(_invite(wrong)).ok
    now[0] += 301
    stale = auth.check(_invite(answer))
    assert not stale.ok and "stale=true" in stale.challenges[0]


def test_parse_digest_keeps_commas_inside_quotes():
    params = parse_digest('Digest realm="a,b", nonce="n", qop="auth,auth-int", algorithm=MD5')
    assert params == {"realm": "a,b", "nonce": "n", "qop": "auth,auth-int", "algorithm": "MD5"}


def test_rate_limiter_refills_over_time_per_source():
    now = [0.0]
    limiter = SourceRateLimiter(RateLimit(per_second=2, burst=3), lambda: now[0])
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")
    now[0] += 0.5
    assert limiter.allow("a") and not limiter.allow("a")
    assert limiter.refused == 2


def test_rate_limiter_forgets_the_oldest_source():
    limiter = SourceRateLimiter(RateLimit(per_second=0, burst=1), lambda: 0.0, max_sources=2)
    assert limiter.allow("a") and limiter.allow("b") and limiter.allow("c")
    assert limiter.allow("a")  # forgotten, so a fresh bucket
    assert not limiter.allow("c")


def test_transfer_context_headers_and_refer_to():
    context = {
        "call_id": "abc",
        "intent": "billing",
        "summary": "line one\r\nline two",
        "slots": slots_value({"amount": "19.99", "name": "Ann Lee"}),
    }
    headers = dict(context_headers(context))
    assert headers["X-Voicebot-Call-Id"] == "abc"
    assert headers["X-Voicebot-Intent"] == "billing"
    assert headers["X-Voicebot-Summary"] == "line one line two"
    assert headers["X-Voicebot-Slots"] == "amount=19.99;name=Ann%20Lee"
    assert decode_user_to_user(headers["User-to-User"]) == b'{"call_id":"abc","intent":"billing"}'
    value = refer_to(
        target_uri("sip:agent@pbx.example.com", "x"), [("X-Voicebot-Intent", "billing")]
    )
    referred = parse_name_addr(value).uri
    assert referred.host == "pbx.example.com" and referred.headers == {
        "X-Voicebot-Intent": "billing"
    }
    assert target_uri("support", "10.0.0.5") == parse_uri("sip:support@10.0.0.5")


def test_sipfrag_status():
    assert parse_sipfrag(b"SIP/2.0 200 OK\r\n") == (200, "OK")
    assert parse_sipfrag(b"SIP/2.0 486 Busy Here") == (486, "Busy Here")
    with pytest.raises(ValueError):
        parse_sipfrag(b"hello")


def test_info_dtmf_bodies():
    assert parse_dtmf_info("application/dtmf-relay", b"Signal=5\r\nDuration=160\r\n") == DtmfDigit(
        "5", 0.0, 0.16
    )
    assert parse_dtmf_info("application/dtmf-relay", b"Signal=11\r\n").digit == "#"
    assert parse_dtmf_info("application/dtmf", b"*").digit == "*"
    assert (
        parse_dtmf_info("application/dtmf-relay", dtmf_relay_body(DtmfDigit("A", 0, 0.25))).duration
        == 0.25
    )
    with pytest.raises(DtmfInfoError):
        parse_dtmf_info("application/dtmf-relay", b"Duration=100")
    with pytest.raises(DtmfInfoError):
        parse_dtmf_info("application/dtmf", b"X")


class _NoSignaling:
    async def hangup(self, reason: str) -> None:
        raise AssertionError("not used")

    async def transfer(self, target, context):
        raise AssertionError("not used")


async def test_leg_queue_drops_oldest_audio_but_never_digits_or_the_hangup():
    leg = SipCallLeg("c1", "5551234", _NoSignaling(), media=None)  # type: ignore[arg-type]
    leg.dtmf(DtmfDigit("1"))
    for index in range(MAX_QUEUED_AUDIO + 10):
        leg.audio(AudioFrame.silence(timestamp=index * 0.02))
    leg.end("remote hangup")
    leg.audio(AudioFrame.silence())  # after the hangup: ignored
    events = [event async for event in leg.events()]
    assert events[0] == DtmfDigit("1")
    frames = [e for e in events if isinstance(e, AudioFrame)]
    assert len(frames) == MAX_QUEUED_AUDIO and leg.audio_dropped == 10
    assert frames[0].timestamp == pytest.approx(10 * 0.02)
    assert events[-1] == LegHangup("remote hangup")


async def test_leg_events_wait_for_input():
    leg = SipCallLeg("c1", "5551234", _NoSignaling(), media=None)  # type: ignore[arg-type]
    reader = asyncio.create_task(anext(leg.events()))
    await asyncio.sleep(0)
    assert not reader.done()
    leg.dtmf(DtmfDigit("#"))
    assert await reader == DtmfDigit("#")
