"""One SIP call's signaling after the INVITE: answer, ACK, re-INVITE, INFO, BYE, CANCEL, REFER.

`SipCall` is the CallControl behind a SipCallLeg. It works in either role: an inbound call starts
from the INVITE's server transaction (`answer`), an outbound one from a 2xx (`confirm_outbound`).
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from telephony.leg import DtmfDigit, TransferResult
from telephony.sdp import (
    MediaParams,
    SdpError,
    SdpNegotiationError,
    SdpSession,
    SessionDescription,
    accept_answer,
    make_offer,
    negotiate,
    parse_sdp,
)
from telephony.sip.build import new_tag, response_to
from telephony.sip.dialog import Dialog, DialogState
from telephony.sip.dtmf_info import (
    DTMF_INFO_TYPES,
    DtmfInfoError,
    dtmf_relay_body,
    parse_dtmf_info,
)
from telephony.sip.endpoint import SipEndpoint
from telephony.sip.errors import SipCallFailed, SipError, SipStateError
from telephony.sip.leg import SipCallLeg
from telephony.sip.media import MediaSession
from telephony.sip.message import SipRequest, SipResponse
from telephony.sip.transaction import ServerInviteTransaction, ServerTransaction
from telephony.sip.transfer import context_headers, parse_sipfrag, refer_to, target_uri
from telephony.sip.transport import Peer

log = logging.getLogger(__name__)

ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, NOTIFY"
SDP = "application/sdp"


class CallState(enum.Enum):
    INCOMING = "incoming"  # INVITE received, no final response yet
    ANSWERED = "answered"  # 2xx sent, waiting for the ACK
    CONFIRMED = "confirmed"
    ENDED = "ended"


_ALLOWED = {
    CallState.INCOMING: {CallState.ANSWERED, CallState.CONFIRMED, CallState.ENDED},
    CallState.ANSWERED: {CallState.CONFIRMED, CallState.ENDED},
    CallState.CONFIRMED: {CallState.ENDED},
    CallState.ENDED: set(),
}


@dataclass(frozen=True, slots=True)
class CallOptions:
    codecs: tuple[str, ...] = ("PCMU", "PCMA")
    transfer_timeout: float = 30.0  # for the NOTIFY that says whether the target answered
    transfer_mode: Literal["refer", "bridge"] = "refer"  # bridge: call the target, relay media
    bye_timeout: float = 32.0


class SipCall:
    def __init__(
        self,
        endpoint: SipEndpoint,
        dialog: Dialog,
        media: MediaSession,
        *,
        remote_party: str,
        headers: Mapping[str, str],
        options: CallOptions,
        state: CallState = CallState.INCOMING,
    ) -> None:
        self.endpoint = endpoint
        self.dialog = dialog
        self.media = media
        self.options = options
        self.state = state
        self.local_host = endpoint.local_host_for(dialog.peer)  # for SDP and Via
        self.sdp_session = SdpSession(self.local_host)
        self.params: MediaParams | None = None
        self.leg = SipCallLeg(dialog.call_id, remote_party, self, media, headers=headers)
        self.confirmed = asyncio.Event()
        self.ended = asyncio.Event()
        self.end_reason = ""
        self.invite_transaction: ServerInviteTransaction | None = None
        self._pending_offer: SessionDescription | None = None  # we offered in a 2xx (late offer)
        self._retransmit_stop: Callable[[], None] | None = None
        self._transfer: asyncio.Future[tuple[int, str]] | None = None
        self._media_started = False
        # set by the owner for transfer_mode="bridge": (leg, target, context) -> TransferResult
        self.bridger: (
            Callable[[SipCallLeg, str, Mapping[str, str]], Awaitable[TransferResult]] | None
        ) = None
        self._awaiting_ack = False
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def call_id(self) -> str:
        return self.dialog.call_id

    def _transition(self, new: CallState) -> None:
        if new not in _ALLOWED[self.state]:
            raise SipStateError(f"call {self.call_id}: {self.state.name} -> {new.name}")
        self.state = new

    def finish(self, reason: str, *, local: bool = False) -> None:
        """End the call locally (no signaling): state, dialog, leg, waiters. Idempotent.

        `local`: this side ended it (our BYE or final response), as opposed to the peer's BYE,
        CANCEL or a media timeout; the leg's LegHangup says so, so records tell who hung up."""
        if self.state is not CallState.ENDED:
            self._transition(CallState.ENDED)
        if self.dialog.state is not DialogState.TERMINATED:
            self.dialog.transition(DialogState.TERMINATED)
        if self._retransmit_stop is not None:
            self._retransmit_stop()
        if self._transfer is not None and not self._transfer.done():
            self._transfer.set_result((487, "call ended"))
        self.end_reason = self.end_reason or reason
        self.leg.end(reason, local=local)
        self.ended.set()
        self.confirmed.set()  # wake anyone waiting for an ACK that will never matter now

    def _respond(
        self,
        transaction: ServerTransaction,
        request: SipRequest,
        status: int,
        reason: str | None = None,
        **kw,
    ) -> SipResponse:
        response = response_to(request, status, reason, to_tag=self.dialog.local_tag, **kw)
        transaction.respond(response)  # type: ignore[attr-defined]
        return response

    # -- inbound call setup ----------------------------------------------------------------------

    def provisional(self, status: int = 180) -> None:
        assert self.invite_transaction is not None
        self._respond(
            self.invite_transaction,
            self.invite_transaction.request,
            status,
            headers=[("Contact", self.dialog.local_contact)],
        )

    def answer(self) -> bool:
        """Send the 200 OK (an SDP answer, or our offer when the INVITE had none). False when the
        offer was unacceptable and 488 went out instead."""
        transaction = self.invite_transaction
        assert transaction is not None and self.state is CallState.INCOMING
        invite = transaction.request
        try:
            body = self._answer_or_offer(invite)
        except (SdpError, SdpNegotiationError) as exc:
            self._respond(transaction, invite, 488, headers=[("Warning", f'399 voicebot "{exc}"')])
            self.finish("no acceptable media")
            return False
        ok = self._respond(
            transaction, invite, 200, headers=self._dialog_headers(), body=body, content_type=SDP
        )
        self._transition(CallState.ANSWERED)
        self.dialog.transition(DialogState.CONFIRMED)
        self._retransmit_2xx(transaction, ok)
        return True

    def _dialog_headers(self) -> list[tuple[str, str]]:
        return [("Contact", self.dialog.local_contact), ("Allow", ALLOW), ("Supported", "replaces")]

    def _answer_or_offer(self, request: SipRequest) -> bytes:
        if request.body and request.content_type == SDP:
            result = negotiate(
                parse_sdp(request.body),
                local_ip=self.local_host,
                local_port=self.media.local_port,
                supported=self.options.codecs,
                session=self.sdp_session,
            )
            self.params = result.media
            self._pending_offer = None
            return bytes(result.answer)
        offer = make_offer(
            local_ip=self.local_host,
            local_port=self.media.local_port,
            session=self.sdp_session,
            codecs=self.options.codecs,
        )
        self._pending_offer = offer
        return bytes(offer)

    def _retransmit_2xx(self, transaction: ServerInviteTransaction, ok: SipResponse) -> None:
        """Until the ACK: resend the 2xx at T1, 2T1, ... capped at T2; after 64*T1 without an ACK
        the dialog ends with a BYE (§13.3.1.4). Over TCP only the deadline applies."""
        config, timers = self.endpoint.config, self.endpoint.timers
        deadline = timers.now() + 64 * config.t1
        self._awaiting_ack = True
        handle = None

        def fire(interval: float) -> None:
            nonlocal handle
            if not self._awaiting_ack or self.state is CallState.ENDED:
                return
            remaining = deadline - timers.now()
            if remaining <= 1e-6:
                log.info("call %s: no ACK for the 2xx, ending it", self.call_id)
                self._awaiting_ack = False
                self._spawn(self._send_bye("no ACK"))
                return
            if not transaction.reliable:
                transaction.respond(ok)
            next_interval = min(2 * interval, config.t2)
            handle = timers.call_later(min(next_interval, remaining), lambda: fire(next_interval))

        first = config.t1 if not transaction.reliable else 64 * config.t1
        handle = timers.call_later(first, lambda: fire(config.t1))

        def stop() -> None:
            self._awaiting_ack = False
            if handle is not None:
                handle.cancel()

        self._retransmit_stop = stop

    def _spawn(self, coroutine) -> None:
        """A signaling task owned by this call (cancelled by close())."""
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def receive_ack(self, ack: SipRequest) -> None:
        if self.state not in (CallState.ANSWERED, CallState.CONFIRMED):
            return
        if self._retransmit_stop is not None:
            self._retransmit_stop()
        if self._pending_offer is not None and ack.body:
            try:
                self.params = accept_answer(self._pending_offer, parse_sdp(ack.body))
                self._pending_offer = None
            except (SdpError, SdpNegotiationError) as exc:
                log.info("call %s: ACK answer unusable (%s), hanging up", self.call_id, exc)
                self._spawn(self._send_bye("no acceptable media"))
        if self.state is CallState.ANSWERED:
            self._transition(CallState.CONFIRMED)
        self.confirmed.set()

    async def start_media(self) -> None:
        if self.params is not None and not self._media_started:
            self._media_started = True
            await self.media.start(self.params, self.leg)
            self.leg.on_hold = self.params.on_hold

    # -- in-dialog requests ----------------------------------------------------------------------

    def receive_cancel(self, cancel: SipRequest, transaction: ServerTransaction) -> None:
        transaction.respond(response_to(cancel, 200))  # type: ignore[attr-defined]
        if self.state is CallState.INCOMING and self.invite_transaction is not None:
            self._respond(self.invite_transaction, self.invite_transaction.request, 487)
            self.finish("cancelled")

    def receive_bye(self, bye: SipRequest, transaction: ServerTransaction) -> None:
        self._respond(transaction, bye, 200)
        self.finish("remote hangup")

    def receive_reinvite(self, invite: SipRequest, transaction: ServerInviteTransaction) -> None:
        if self.state is not CallState.CONFIRMED or self._awaiting_ack:
            self._respond(
                transaction, invite, 491
            )  # an offer is still in progress (RFC 3261 §14.2)
            return
        try:
            body = self._answer_or_offer(invite)
        except (SdpError, SdpNegotiationError) as exc:
            self._respond(transaction, invite, 488, headers=[("Warning", f'399 voicebot "{exc}"')])
            return
        ok = self._respond(
            transaction, invite, 200, headers=self._dialog_headers(), body=body, content_type=SDP
        )
        self._retransmit_2xx(transaction, ok)
        if self.params is not None and self._pending_offer is None:
            self.media.update(self.params)
            self.leg.on_hold = self.params.on_hold
            log.info(
                "call %s: re-INVITE, media %s%s",
                self.call_id,
                self.params.direction,
                " (on hold)" if self.params.on_hold else "",
            )

    def receive_info(self, info: SipRequest, transaction: ServerTransaction) -> None:
        if not info.body:
            self._respond(transaction, info, 200)  # an empty INFO is a keep-alive probe
            return
        if info.content_type not in DTMF_INFO_TYPES:
            self._respond(transaction, info, 415, headers=[("Accept", ", ".join(DTMF_INFO_TYPES))])
            return
        try:
            digit = parse_dtmf_info(
                info.content_type, info.body, timestamp=self.endpoint.timers.now()
            )
        except DtmfInfoError as exc:
            self._respond(transaction, info, 400, f"Bad Request ({exc})")
            return
        self._respond(transaction, info, 200)
        self.leg.dtmf(digit)

    def receive_notify(self, notify: SipRequest, transaction: ServerTransaction) -> None:
        event = (notify.headers.get("Event") or "").split(";")[0].strip().lower()
        if event != "refer" or self._transfer is None:
            self._respond(transaction, notify, 481, "Subscription Does Not Exist")
            return
        self._respond(transaction, notify, 200)
        try:
            status, reason = parse_sipfrag(notify.body)
        except ValueError:
            return
        if status >= 200 and not self._transfer.done():
            self._transfer.set_result((status, reason))

    # -- CallControl -----------------------------------------------------------------------------

    async def hangup(self, reason: str = "bot hangup") -> None:
        if self.state is CallState.INCOMING and self.invite_transaction is not None:
            self._respond(self.invite_transaction, self.invite_transaction.request, 480)
            self.finish(reason, local=True)
            return
        if self.state is CallState.ANSWERED:
            await self.confirmed.wait()  # no BYE before the ACK (§15); the 2xx gives up at 64*T1
        await self._send_bye(reason)

    async def send_dtmf(self, digit: str, duration_ms: int = 100) -> None:
        """One key press to the peer: RFC 4733 events when telephone-event was negotiated and
        the media can send them, else SIP INFO with application/dtmf-relay."""
        send_events = getattr(self.media, "send_dtmf", None)
        if self.params is not None and self.params.telephone_event_pt is not None and send_events:
            await send_events(digit, duration_ms)
            return
        if self.state is not CallState.CONFIRMED:
            raise SipStateError(f"call {self.call_id} is {self.state.value}: no DTMF")
        body = dtmf_relay_body(DtmfDigit(digit.upper(), 0.0, duration_ms / 1000))
        info = self._request("INFO", body=body, content_type="application/dtmf-relay")
        response = await self.endpoint.send_request(info, self.dialog.peer).final
        if not response.is_success:
            raise SipCallFailed(response.status, response.reason)

    async def _send_bye(self, reason: str) -> None:
        if self.state is CallState.ENDED:
            return
        bye = self._request("BYE", headers=[("Reason", f'SIP;cause=200;text="{reason}"')])
        self.finish(reason, local=True)
        try:
            await asyncio.wait_for(
                self.endpoint.send_request(bye, self.dialog.peer).final, self.options.bye_timeout
            )
        except (TimeoutError, SipError) as exc:
            log.info("call %s: BYE got no answer (%s)", self.call_id, exc)

    def _request(self, method: str, **kw) -> SipRequest:
        return self.dialog.create_request(
            method, via_host=self.local_host, via_port=self.endpoint.port, **kw
        )

    async def transfer(self, target: str, context: Mapping[str, str]) -> TransferResult:
        """Blind transfer (RFC 3515/5589): REFER, then NOTIFYs until the target answered or failed;
        on success we hang up, as the transferor does."""
        if self.state is not CallState.CONFIRMED:
            return TransferResult(False, f"call is {self.state.value}")
        if self._transfer is not None and not self._transfer.done():
            return TransferResult(False, "a transfer is already in progress")
        if self.options.transfer_mode == "bridge" and self.bridger is not None:
            return await self.bridger(self.leg, target, context)
        headers = context_headers(context)
        uri = target_uri(target, self.dialog.peer.host)
        refer_headers = [
            ("Refer-To", refer_to(uri, headers)),
            ("Referred-By", f"<{self.dialog.local_contact.strip('<>')}>"),
            *headers,
        ]
        self._transfer = asyncio.get_running_loop().create_future()
        refer = self._request("REFER", headers=refer_headers)
        try:
            response = await self.endpoint.send_request(refer, self.dialog.peer).final
        except SipError as exc:
            return TransferResult(False, f"REFER: {exc}", dict(headers))
        if not response.is_success:
            return TransferResult(
                False, f"REFER rejected: {response.status} {response.reason}", dict(headers)
            )
        try:
            status, reason = await asyncio.wait_for(self._transfer, self.options.transfer_timeout)
        except TimeoutError:
            return TransferResult(False, "no final NOTIFY from the transferee", dict(headers))
        if 200 <= status < 300:
            await self._send_bye("transferred")
            return TransferResult(True, f"{status} {reason}", dict(headers))
        return TransferResult(False, f"target answered {status} {reason}", dict(headers))

    async def close(self) -> None:
        self.finish(self.end_reason or "closed")
        for task in list(self._tasks):
            if task is not asyncio.current_task():
                task.cancel()
        await self.media.close()


def remote_party_of(request: SipRequest) -> str:
    uri = request.from_.uri
    return uri.user or str(uri)


def forwarded_headers(request: SipRequest) -> dict[str, str]:
    """Headers a dialog may use: X-*, User-to-User, P-Asserted-Identity, Diversion, Subject."""
    keep = {"user-to-user", "p-asserted-identity", "diversion", "subject", "referred-by"}
    return {
        name: value
        for name, value in request.headers
        if name.lower().startswith("x-") or name.lower() in keep
    }


def new_inbound_dialog(invite: SipRequest, peer: Peer, contact: str) -> Dialog:
    return Dialog.as_uas(invite, new_tag(), peer, contact)
