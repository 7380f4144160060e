"""Outbound calls (`SipClient.dial`), sharing a running SipServer's socket, transactions and call
table.

A dial INVITEs the target directly or through a trunk (answering a 401/407 digest challenge once),
follows 18x, gives up with CANCEL after `ring_timeout`, and returns a DialResult whose `outcome`
the dialer can act on: answered, busy, no-answer, unavailable, cancelled, rejected, failed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from telephony.sdp import (
    SdpError,
    SdpNegotiationError,
    SdpSession,
    SessionDescription,
    accept_answer,
    make_offer,
    parse_sdp,
)
from telephony.sip.build import make_request, new_branch, new_call_id, new_tag
from telephony.sip.call import ALLOW, SDP, CallState, SipCall, forwarded_headers
from telephony.sip.dialog import Dialog, DialogState
from telephony.sip.digest import DigestError, authorization
from telephony.sip.errors import SipError, SipTimeout
from telephony.sip.leg import SipCallLeg
from telephony.sip.media import MediaSession
from telephony.sip.message import SipRequest, SipResponse
from telephony.sip.server import SipServer
from telephony.sip.transaction import ClientTransaction
from telephony.sip.transport import Peer
from telephony.sip.uri import SipUri, parse_uri

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Trunk:
    """Where outbound calls go and how to authenticate: `proxy` is a SIP URI such as
    `sip:pbx.example.com:5060;transport=tcp`."""

    proxy: str
    username: str | None = None
    password: str | None = None
    from_domain: str | None = None  # the host part of our From; default: the proxy's host


@dataclass(frozen=True, slots=True)
class DialResult:
    outcome: str  # answered | busy | no-answer | unavailable | cancelled | rejected | failed
    status: int | None = None  # the final SIP status, when there was one
    reason: str = ""
    leg: SipCallLeg | None = None
    provisional: tuple[int, ...] = ()  # the 1xx statuses seen, in order

    @property
    def answered(self) -> bool:
        return self.outcome == "answered"


def outcome_of(status: int) -> str:
    if 200 <= status < 300:
        return "answered"
    if status in (486, 600):
        return "busy"
    if status == 408:
        return "no-answer"
    if status == 487:
        return "cancelled"
    if status in (404, 410, 480, 503, 603) or status >= 500:
        return "unavailable" if status != 603 else "rejected"
    return "rejected"


def next_hop(uri: SipUri) -> Peer:
    transport = "TCP" if uri.transport == "tcp" else "UDP"
    return Peer(transport, uri.host, uri.port or 5060)


class SipClient:
    def __init__(self, server: SipServer, *, trunk: Trunk | None = None) -> None:
        self.server = server
        self.trunk = trunk

    async def dial(
        self,
        target: str,
        *,
        from_user: str = "voicebot",
        display_name: str | None = None,
        headers: list[tuple[str, str]] | None = None,
        ring_timeout: float = 30.0,
        on_progress: Callable[[int], None] | None = None,
    ) -> DialResult:
        server, endpoint = self.server, self.server.endpoint
        uri = parse_uri(target)
        peer = next_hop(parse_uri(self.trunk.proxy) if self.trunk else uri)
        local_host = endpoint.local_host_for(peer)
        media = await server.media_factory(endpoint.host)
        sdp_session = SdpSession(local_host)
        offer = make_offer(
            local_ip=local_host,
            local_port=media.local_port,
            session=sdp_session,
            codecs=server.call_options.codecs,
        )
        domain = (self.trunk.from_domain if self.trunk else None) or local_host
        name = f'"{display_name}" ' if display_name else ""
        from_value = f"{name}<sip:{from_user}@{domain}>;tag={new_tag()}"
        call_id = new_call_id(local_host)
        contact = server.contact(peer)
        cseq = 1
        extra = [("Allow", ALLOW), *(headers or [])]
        provisional: list[int] = []
        invite = self._invite(
            str(uri), peer, from_value, call_id, cseq, contact, extra, bytes(offer)
        )
        try:
            for _attempt in range(2):
                response, transaction = await self._run_invite(
                    invite, peer, ring_timeout, provisional, on_progress
                )
                if response is None:
                    await media.close()
                    return DialResult(
                        "no-answer",
                        None,
                        f"no answer within {ring_timeout:g} s",
                        provisional=tuple(provisional),
                    )
                if (
                    response.status in (401, 407)
                    and self.trunk
                    and self.trunk.username
                    and _attempt == 0
                ):
                    cseq += 1
                    retry = self._authenticated(
                        invite, response, peer, from_value, call_id, cseq, contact, extra
                    )
                    if retry is not None:
                        invite = retry
                        continue
                break
        except SipTimeout as exc:
            await media.close()
            return DialResult("failed", None, str(exc), provisional=tuple(provisional))
        if not response.is_success:
            await media.close()
            return DialResult(
                outcome_of(response.status),
                response.status,
                response.reason,
                provisional=tuple(provisional),
            )
        return await self._answered(
            invite, response, transaction, peer, media, sdp_session, offer, contact, provisional
        )

    def _invite(
        self,
        uri: str,
        peer: Peer,
        from_value: str,
        call_id: str,
        cseq: int,
        contact: str,
        extra: list[tuple[str, str]],
        body: bytes,
    ) -> SipRequest:
        return make_request(
            "INVITE",
            uri,
            via=self.server.endpoint.via(peer, new_branch()),
            from_=from_value,
            to=f"<{uri}>",
            call_id=call_id,
            cseq=cseq,
            contact=contact,
            headers=extra,
            body=body,
            content_type=SDP,
        )

    def _authenticated(
        self,
        invite: SipRequest,
        challenge: SipResponse,
        peer: Peer,
        from_value: str,
        call_id: str,
        cseq: int,
        contact: str,
        extra: list[tuple[str, str]],
    ) -> SipRequest | None:
        assert self.trunk is not None and self.trunk.username is not None
        header = "WWW-Authenticate" if challenge.status == 401 else "Proxy-Authenticate"
        answer = "Authorization" if challenge.status == 401 else "Proxy-Authorization"
        value = challenge.headers.get(header)
        if value is None:
            return None
        try:
            credentials = authorization(
                value,
                method="INVITE",
                uri=invite.uri,
                username=self.trunk.username,
                password=self.trunk.password or "",
            )
        except DigestError as exc:
            log.warning("cannot answer the trunk's challenge: %s", exc)
            return None
        return self._invite(
            invite.uri,
            peer,
            from_value,
            call_id,
            cseq,
            contact,
            [*extra, (answer, credentials)],
            invite.body,
        )

    async def _run_invite(
        self,
        invite: SipRequest,
        peer: Peer,
        ring_timeout: float,
        provisional: list[int],
        on_progress: Callable[[int], None] | None,
    ) -> tuple[SipResponse | None, ClientTransaction]:
        transaction = self.server.endpoint.send_request(invite, peer)

        def progress(response: SipResponse) -> None:
            if response.is_provisional:
                provisional.append(response.status)
                if on_progress is not None:
                    on_progress(response.status)

        transaction.on_response = progress
        try:
            return await asyncio.wait_for(
                asyncio.shield(transaction.final), ring_timeout
            ), transaction
        except TimeoutError:
            pass
        cancel = make_request(
            "CANCEL",
            invite.uri,
            via=invite.headers.get_all("Via")[0],
            from_=invite.headers.get("From") or "",
            to=invite.headers.get("To") or "",
            call_id=invite.call_id,
            cseq=invite.cseq[0],
        )
        try:
            await self.server.endpoint.send_request(cancel, peer).final
            final = await asyncio.wait_for(transaction.final, 64 * self.server.endpoint.config.t1)
        except (SipError, TimeoutError):
            return None, transaction
        # a 2xx that crossed our CANCEL is a call (the dialer may hang it up); a 487 is no answer
        return (final if final.is_success else None), transaction

    async def _answered(
        self,
        invite: SipRequest,
        ok: SipResponse,
        transaction: ClientTransaction,
        peer: Peer,
        media: MediaSession,
        sdp_session: SdpSession,
        offer: SessionDescription,
        contact: str,
        provisional: list[int],
    ) -> DialResult:
        server = self.server
        dialog = Dialog.as_uac(invite, ok, peer, contact)
        dialog.transition(DialogState.CONFIRMED)
        ack = dialog.create_request(
            "ACK",
            via_host=server.endpoint.local_host_for(peer),
            via_port=server.port,
            cseq=invite.cseq[0],
        )
        server.endpoint.send_stateless(ack, peer)
        # a retransmitted 2xx means our ACK was lost: send it again (§13.2.2.4)
        transaction.on_response = lambda r: (
            server.endpoint.send_stateless(ack, peer) if r.is_success else None
        )
        call = SipCall(
            server.endpoint,
            dialog,
            media,
            remote_party=invite.request_uri.user or invite.uri,
            headers=forwarded_headers(ok),
            options=server.call_options,
            state=CallState.CONFIRMED,
        )
        call.sdp_session = sdp_session
        server.adopt(call)
        try:
            call.params = accept_answer(offer, parse_sdp(ok.body))
        except (SdpError, SdpNegotiationError) as exc:
            await call.hangup("no acceptable media")
            return DialResult(
                "failed", 200, f"answer unusable: {exc}", provisional=tuple(provisional)
            )
        await call.start_media()
        return DialResult("answered", 200, ok.reason, call.leg, tuple(provisional))
