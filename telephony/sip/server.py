"""SipServer: answers SIP calls on UDP and TCP and hands each one, as a SipCallLeg, to `on_call`.

Every call runs in one task owned by the server: answer, wait for the ACK, run `on_call(leg)`, then
hang up if the handler left the call up, and close the media. Protection: at most `max_calls`
calls (503 with Retry-After beyond), a token bucket per source address, an allow-list outside of
which digest authentication (or a 403) applies, and malformed input answered with 400 or dropped.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from telephony.leg import TransferResult
from telephony.sip.build import response_to
from telephony.sip.call import (
    ALLOW,
    CallOptions,
    CallState,
    SipCall,
    forwarded_headers,
    new_inbound_dialog,
    remote_party_of,
)
from telephony.sip.digest import InboundAuth
from telephony.sip.endpoint import SipEndpoint
from telephony.sip.leg import SipCallLeg
from telephony.sip.media import MediaFactory
from telephony.sip.message import SipRequest
from telephony.sip.ratelimit import RateLimit, SourceRateLimiter
from telephony.sip.timers import LoopTimers, Timers
from telephony.sip.transaction import (
    RFC_TIMERS,
    ServerInviteTransaction,
    ServerTransaction,
    TimerConfig,
)
from telephony.sip.transport import Peer

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from telephony.sip.client import Trunk

OnCall = Callable[[SipCallLeg], Awaitable[None]]
NOT_ALLOWED = frozenset({"REGISTER", "SUBSCRIBE", "PUBLISH", "MESSAGE", "REFER", "UPDATE", "PRACK"})
OUT_OF_DIALOG_481 = frozenset({"BYE", "INFO", "NOTIFY"})
STOP_GRACE = 2.0  # seconds stop() waits for the 200s to its BYEs
HANGUP_GRACE = 5.0  # seconds a handler may take to notice LegHangup before it is cancelled


DEFAULT_RATE_LIMIT = RateLimit()


@dataclass(frozen=True, slots=True)
class ServerOptions:
    """The less common knobs: media, time, ringing, transports."""

    media_factory: MediaFactory | None = None  # default: RTP (telephony.rtp.sip_media)
    timers: Timers | None = None  # default: the event loop's timers
    timer_config: TimerConfig = RFC_TIMERS
    ring_seconds: float = 0.0  # > 0: send 180 Ringing and answer after this long
    call: CallOptions = field(default_factory=CallOptions)
    trunk: Trunk | None = None  # where bridged transfers dial out (default: the target directly)
    tcp: bool = True


def default_media_factory() -> MediaFactory:
    """RTP with G.711 and RFC 4733 (imported late: telephony.rtp builds on telephony.sip.media)."""
    from telephony.rtp.sip_media import RtpMediaSession

    return RtpMediaSession.open


class SipServer:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        on_call: OnCall,
        max_calls: int = 100,
        rate_limit: RateLimit | None = DEFAULT_RATE_LIMIT,
        allow_list: Sequence[str] | None = None,
        auth: InboundAuth | None = None,
        options: ServerOptions | None = None,
    ) -> None:
        options = options or ServerOptions()
        self.timers = options.timers or LoopTimers()
        self.endpoint = SipEndpoint(
            host,
            port,
            timers=self.timers,
            on_request=self._on_request,
            config=options.timer_config,
            tcp=options.tcp,
        )
        self.on_call = on_call
        self.max_calls = max_calls
        self.limiter = SourceRateLimiter(rate_limit, self.timers.now) if rate_limit else None
        self.allow_list = (
            [ipaddress.ip_network(n, strict=False) for n in allow_list]
            if allow_list is not None
            else None
        )
        self.auth = auth
        self.media_factory: MediaFactory = options.media_factory or default_media_factory()
        self.ring_seconds = options.ring_seconds
        self.call_options = options.call
        self.tcp = options.tcp
        self.trunk = options.trunk
        self.calls: dict[str, SipCall] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.completed_calls = 0

    @property
    def host(self) -> str:
        return self.endpoint.host

    @property
    def port(self) -> int:
        return self.endpoint.port

    async def start(self) -> None:
        await self.endpoint.start()
        log.info(
            "SIP listening on %s:%s (UDP%s)",
            self.host,
            self.port,
            " and TCP" if self.tcp else "",
        )

    async def stop(self) -> None:
        """Hang up every call, then close the sockets."""
        hangups = [
            asyncio.ensure_future(call.hangup("server stopping"))
            for call in self.calls.values()
            if call.state is CallState.CONFIRMED
        ]
        if hangups:  # BYEs in parallel; a dead peer must not hold up the shutdown
            await asyncio.wait(hangups, timeout=STOP_GRACE)
            for hangup in hangups:
                hangup.cancel()
            await asyncio.gather(*hangups, return_exceptions=True)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.endpoint.stop()

    def contact(self, peer: Peer) -> str:
        transport = ";transport=tcp" if peer.transport == "TCP" else ""
        return f"<sip:voicebot@{self.endpoint.local_host_for(peer)}:{self.port}{transport}>"

    def adopt(self, call: SipCall) -> None:
        """Track a call set up elsewhere (an outbound dial) until it ends, then close its media."""
        self.calls[call.call_id] = call

        async def supervise() -> None:
            try:
                await call.ended.wait()
            finally:
                await call.close()
                self.calls.pop(call.call_id, None)
                self.completed_calls += 1

        task = asyncio.get_running_loop().create_task(supervise(), name=f"sip-call-{call.call_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _bridge_transfer(self, leg: SipCallLeg, target: str, context) -> TransferResult:
        # imported here: the client module builds on this one
        from telephony.sip.bridge import bridged_transfer
        from telephony.sip.client import SipClient

        return await bridged_transfer(SipClient(self, trunk=self.trunk), leg, target, context)

    # -- dispatch --------------------------------------------------------------------------------

    def _reply(
        self,
        transaction: ServerTransaction,
        request: SipRequest,
        status: int,
        reason: str | None = None,
        **kw,
    ) -> None:
        transaction.respond(response_to(request, status, reason, **kw))  # type: ignore[attr-defined]

    def _on_request(
        self, request: SipRequest, transaction: ServerTransaction | None, peer: Peer
    ) -> None:
        call = self.calls.get(request.call_id)
        if transaction is None:  # an ACK to a 2xx
            if call is not None and request.from_.tag == call.dialog.remote_tag:
                call.receive_ack(request)
            return
        if request.method == "CANCEL":  # matched to its INVITE by branch, in or out of a dialog
            invite = self.endpoint.invite_transaction(request)
            if call is None or invite is None:
                self._reply(transaction, request, 481)
            elif call.invite_transaction is invite:
                call.receive_cancel(request, transaction)
            else:
                self._reply(transaction, request, 200)  # a re-INVITE: already answered, too late
            return
        if request.to.tag:
            self._in_dialog(request, transaction, call)
            return
        listed = self._listed(peer)
        # allow-listed sources (the PBX, the SBC) carry everyone's calls: not rate-limited
        if self.limiter is not None and not listed and not self.limiter.allow(peer.host):
            self._reply(transaction, request, 503, headers=[("Retry-After", "5")])
            return
        if not listed and not self._admitted(request, transaction):
            return
        if request.method == "INVITE":
            self._new_call(request, transaction, peer, call)  # type: ignore[arg-type]
        elif request.method == "OPTIONS":
            self._reply(
                transaction,
                request,
                200,
                headers=[
                    ("Allow", ALLOW),
                    ("Accept", "application/sdp"),
                    ("Supported", "replaces"),
                    ("Contact", self.contact(peer)),
                ],
            )
        elif request.method in OUT_OF_DIALOG_481:
            self._reply(transaction, request, 481)
        elif request.method in NOT_ALLOWED:
            self._reply(transaction, request, 405, headers=[("Allow", ALLOW)])
        else:
            self._reply(transaction, request, 501, headers=[("Allow", ALLOW)])

    def _listed(self, peer: Peer) -> bool:
        """In the allow-list (False when there is none: then everyone is admitted, rate-limited)."""
        if self.allow_list is None:
            return False
        try:
            address = ipaddress.ip_address(peer.host)
        except ValueError:
            return False
        return any(address in network for network in self.allow_list)

    def _admitted(self, request: SipRequest, transaction: ServerTransaction) -> bool:
        """For sources outside the allow-list: digest authentication when configured, else 403."""
        if self.allow_list is None or request.method == "OPTIONS":
            return True
        if self.auth is None:
            self._reply(transaction, request, 403, "Forbidden (source not allowed)")
            return False
        verdict = self.auth.check(request)
        if verdict.ok:
            return True
        self._reply(
            transaction, request, 401, headers=[("WWW-Authenticate", c) for c in verdict.challenges]
        )
        return False

    def _in_dialog(
        self, request: SipRequest, transaction: ServerTransaction, call: SipCall | None
    ) -> None:
        if (
            call is None
            or call.state is CallState.ENDED
            or request.to.tag != call.dialog.local_tag
            or request.from_.tag != call.dialog.remote_tag
        ):
            self._reply(transaction, request, 481)
            return
        if not call.dialog.accept_remote_cseq(request):
            self._reply(transaction, request, 500, "Server Internal Error (CSeq out of order)")
            return
        match request.method:
            case "BYE":
                call.receive_bye(request, transaction)
            case "INVITE":
                call.receive_reinvite(request, transaction)  # type: ignore[arg-type]
            case "INFO":
                call.receive_info(request, transaction)
            case "NOTIFY":
                call.receive_notify(request, transaction)
            case "OPTIONS":
                self._reply(
                    transaction,
                    request,
                    200,
                    headers=[("Allow", ALLOW), ("Accept", "application/sdp")],
                )
            case method if method in NOT_ALLOWED:
                self._reply(transaction, request, 405, headers=[("Allow", ALLOW)])
            case _:
                self._reply(transaction, request, 501, headers=[("Allow", ALLOW)])

    # -- new calls -------------------------------------------------------------------------------

    def _new_call(
        self,
        invite: SipRequest,
        transaction: ServerInviteTransaction,
        peer: Peer,
        existing: SipCall | None,
    ) -> None:
        if existing is not None:
            self._reply(transaction, invite, 482)  # same Call-ID, new branch: a loop or a merge
            return
        required = [
            option for option in invite.headers.get_all("Require") if option.lower() != "replaces"
        ]
        if required:
            self._reply(transaction, invite, 420, headers=[("Unsupported", ", ".join(required))])
            return
        if len(self.calls) >= self.max_calls:
            log.warning("at %d calls, refusing a call from %s", len(self.calls), peer.host)
            self._reply(
                transaction,
                invite,
                503,
                "Service Unavailable (call limit)",
                headers=[("Retry-After", "10")],
            )
            return
        self._reply(transaction, invite, 100)
        dialog = new_inbound_dialog(invite, peer, self.contact(peer))
        call = SipCall(
            self.endpoint,
            dialog,
            media=None,  # type: ignore[arg-type] - opened in _run_call before anything reads it
            remote_party=remote_party_of(invite),
            headers=forwarded_headers(invite),
            options=self.call_options,
        )
        call.invite_transaction = transaction
        call.bridger = self._bridge_transfer
        transaction.on_ack_timeout = lambda: call.finish("no ACK")
        self.calls[invite.call_id] = call
        task = asyncio.get_running_loop().create_task(
            self._run_call(call), name=f"sip-call-{invite.call_id}"
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_call(self, call: SipCall) -> None:
        try:
            try:
                call.media = call.leg.media = await self.media_factory(self.host)
            except OSError as exc:
                log.error("call %s: no media port (%s)", call.call_id, exc)
                self._reply(call.invite_transaction, call.invite_transaction.request, 500)  # type: ignore[arg-type]
                call.finish("no media port")
                return
            if self.ring_seconds > 0:
                call.provisional(180)
                try:
                    await asyncio.wait_for(call.ended.wait(), self.ring_seconds)
                    return  # cancelled while ringing
                except TimeoutError:
                    pass
            if call.state is not CallState.INCOMING or not call.answer():
                return
            await call.confirmed.wait()
            if call.state is not CallState.CONFIRMED:
                return
            await call.start_media()
            await self._run_handler(call)
        except Exception:
            log.exception("call %s failed", call.call_id)
        finally:
            if call.state is CallState.CONFIRMED:
                await call.hangup("bot finished")
            if call.media is not None:
                await call.close()
            else:
                call.finish("closed")
            self.calls.pop(call.call_id, None)
            self.completed_calls += 1

    async def _run_handler(self, call: SipCall) -> None:
        handler = asyncio.get_running_loop().create_task(self.on_call(call.leg))
        ended = asyncio.get_running_loop().create_task(call.ended.wait())
        try:
            await asyncio.wait({handler, ended}, return_when=asyncio.FIRST_COMPLETED)
            if not handler.done():
                await asyncio.wait({handler}, timeout=HANGUP_GRACE)
                if not handler.done():  # not reached when the server's stop() cancels us
                    log.warning(
                        "call %s: handler ignored the hangup for %.0f s, cancelling it",
                        call.call_id,
                        HANGUP_GRACE,
                    )
        finally:
            ended.cancel()
            if not handler.done():
                handler.cancel()
            await asyncio.gather(handler, return_exceptions=True)
            if handler.done() and not handler.cancelled() and handler.exception() is not None:
                log.error("call %s: handler failed: %r", call.call_id, handler.exception())
