"""RFC 3261 §17 transactions (with the RFC 6026 Accepted state) as guarded state machines.

A transaction sends through a `send(bytes)` callable bound to its transport and peer, and keeps its
timers in a `Timers`; it never touches sockets. Timers (T1 = 500 ms, T2 = 4 s, T4 = 5 s):
A/E retransmit requests, B/F give up, D/K absorb response retransmissions, G retransmits a final
error response, H gives up waiting for its ACK, I absorbs ACKs, J absorbs request retransmissions,
L/M (RFC 6026) absorb retransmissions after a 2xx.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass

from telephony.sip.errors import SipStateError, SipTimeout
from telephony.sip.headers import Headers
from telephony.sip.message import SipRequest, SipResponse
from telephony.sip.timers import TimerHandle, Timers

log = logging.getLogger(__name__)

Send = Callable[[bytes], None]


@dataclass(frozen=True, slots=True)
class TimerConfig:
    t1: float = 0.5
    t2: float = 4.0
    t4: float = 5.0


RFC_TIMERS = TimerConfig()


class TxState(enum.Enum):
    CALLING = "calling"
    TRYING = "trying"
    PROCEEDING = "proceeding"
    ACCEPTED = "accepted"
    COMPLETED = "completed"
    CONFIRMED = "confirmed"
    TERMINATED = "terminated"


S = TxState
_ALLOWED: dict[TxState, frozenset[TxState]] = {
    S.CALLING: frozenset({S.PROCEEDING, S.ACCEPTED, S.COMPLETED, S.TERMINATED}),
    S.TRYING: frozenset({S.PROCEEDING, S.COMPLETED, S.TERMINATED}),
    S.PROCEEDING: frozenset({S.ACCEPTED, S.COMPLETED, S.TERMINATED}),
    S.ACCEPTED: frozenset({S.TERMINATED}),
    S.COMPLETED: frozenset({S.CONFIRMED, S.TERMINATED}),
    S.CONFIRMED: frozenset({S.TERMINATED}),
    S.TERMINATED: frozenset(),
}


def transaction_key(message: SipRequest | SipResponse) -> tuple[str, str]:
    """(branch, method) — ACK maps to its INVITE; a CANCEL is its own transaction (§17.2.3)."""
    via = message.top_via
    method = message.cseq[1]
    if method == "ACK":
        method = "INVITE"
    branch = via.branch or f"{message.call_id}|{message.from_.tag}|{message.cseq[0]}"
    return branch, method


class Transaction:
    """State, timers and the termination hook shared by the four kinds."""

    def __init__(
        self,
        request: SipRequest,
        send: Send,
        timers: Timers,
        *,
        reliable: bool,
        config: TimerConfig,
        state: TxState,
    ) -> None:
        self.request = request
        self.key = transaction_key(request)
        self._send = send
        self._timers = timers
        self.reliable = reliable
        self.config = config
        self.state = state
        self._handles: dict[str, TimerHandle] = {}
        self.on_terminated: Callable[[Transaction], None] | None = None

    def _transition(self, new: TxState) -> None:
        if new not in _ALLOWED[self.state]:
            raise SipStateError(
                f"{type(self).__name__} {self.key[0]}: {self.state.name} -> {new.name}"
            )
        self.state = new
        if new is TxState.TERMINATED:
            for handle in self._handles.values():
                handle.cancel()
            self._handles.clear()
            if self.on_terminated is not None:
                self.on_terminated(self)

    def _start_timer(self, name: str, delay: float, fire: Callable[[], None]) -> None:
        self._stop_timer(name)

        def run() -> None:
            self._handles.pop(name, None)
            if self.state is not TxState.TERMINATED:
                fire()

        self._handles[name] = self._timers.call_later(delay, run)

    def _stop_timer(self, name: str) -> None:
        handle = self._handles.pop(name, None)
        if handle is not None:
            handle.cancel()

    def _terminate_after(self, name: str, delay: float) -> None:
        if delay <= 0:
            self._transition(TxState.TERMINATED)
        else:
            self._start_timer(name, delay, lambda: self._transition(TxState.TERMINATED))

    def terminate(self) -> None:
        if self.state is not TxState.TERMINATED:
            self._transition(TxState.TERMINATED)


class ServerTransaction(Transaction):
    """Base of the server kinds: remembers the last response to answer retransmissions."""

    last_response: bytes | None = None

    def _send_response(self, response: SipResponse) -> None:
        self.last_response = bytes(response)
        self._send(self.last_response)


class ServerInviteTransaction(ServerTransaction):
    """PROCEEDING -> ACCEPTED (2xx) | COMPLETED (3xx-6xx) -> CONFIRMED (ACK) -> TERMINATED."""

    def __init__(
        self,
        request: SipRequest,
        send: Send,
        timers: Timers,
        *,
        reliable: bool = False,
        config: TimerConfig = RFC_TIMERS,
    ) -> None:
        super().__init__(
            request, send, timers, reliable=reliable, config=config, state=TxState.PROCEEDING
        )
        self.on_ack_timeout: Callable[[], None] | None = None

    def respond(self, response: SipResponse) -> None:
        if self.state is TxState.ACCEPTED and response.is_success:
            self._send(bytes(response))  # the TU retransmits its 2xx until the ACK (§13.3.1.4)
            return
        if self.state is not TxState.PROCEEDING:
            raise SipStateError(
                f"INVITE server transaction in {self.state.name} cannot send {response.status}"
            )
        self._send_response(response)
        if response.is_provisional:
            return
        if response.is_success:
            self._transition(TxState.ACCEPTED)
            self._start_timer("L", 64 * self.config.t1, self.terminate)
            return
        self._transition(TxState.COMPLETED)
        if not self.reliable:
            self._retransmit_after(self.config.t1)
        self._start_timer("H", 64 * self.config.t1, self._ack_never_came)

    def _retransmit_after(self, interval: float) -> None:
        def fire() -> None:
            if self.state is TxState.COMPLETED and self.last_response is not None:
                self._send(self.last_response)
                self._retransmit_after(min(2 * interval, self.config.t2))

        self._start_timer("G", interval, fire)

    def _ack_never_came(self) -> None:
        self._transition(TxState.TERMINATED)
        if self.on_ack_timeout is not None:
            self.on_ack_timeout()

    def receive_retransmission(self) -> None:
        if self.state in (TxState.PROCEEDING, TxState.COMPLETED) and self.last_response is not None:
            self._send(self.last_response)

    def receive_ack(self) -> None:
        if self.state is TxState.COMPLETED:
            self._transition(TxState.CONFIRMED)
            self._stop_timer("G")
            self._stop_timer("H")
            self._terminate_after("I", 0 if self.reliable else self.config.t4)


class ServerNonInviteTransaction(ServerTransaction):
    """TRYING -> PROCEEDING (1xx) -> COMPLETED (final) -> TERMINATED after timer J."""

    def __init__(
        self,
        request: SipRequest,
        send: Send,
        timers: Timers,
        *,
        reliable: bool = False,
        config: TimerConfig = RFC_TIMERS,
    ) -> None:
        super().__init__(
            request, send, timers, reliable=reliable, config=config, state=TxState.TRYING
        )

    def respond(self, response: SipResponse) -> None:
        if self.state not in (TxState.TRYING, TxState.PROCEEDING):
            raise SipStateError(
                f"{self.request.method} server transaction in {self.state.name} cannot send {response.status}"
            )
        self._send_response(response)
        if response.is_provisional:
            if self.state is TxState.TRYING:
                self._transition(TxState.PROCEEDING)
            return
        self._transition(TxState.COMPLETED)
        self._terminate_after("J", 0 if self.reliable else 64 * self.config.t1)

    def receive_retransmission(self) -> None:
        if self.state in (TxState.PROCEEDING, TxState.COMPLETED) and self.last_response is not None:
            self._send(self.last_response)


class ClientTransaction(Transaction):
    """Base of the client kinds. `final` resolves with the first final response or SipTimeout;
    `on_response` (optional) sees every response passed up, 2xx retransmissions included."""

    def __init__(
        self,
        request: SipRequest,
        send: Send,
        timers: Timers,
        *,
        reliable: bool,
        config: TimerConfig,
        state: TxState,
    ) -> None:
        super().__init__(request, send, timers, reliable=reliable, config=config, state=state)
        self.final: asyncio.Future[SipResponse] = asyncio.get_running_loop().create_future()
        self.on_response: Callable[[SipResponse], None] | None = None
        self._wire = bytes(request)

    def _pass_up(self, response: SipResponse) -> None:
        if not response.is_provisional and not self.final.done():
            self.final.set_result(response)
        if self.on_response is not None:
            self.on_response(response)

    def _timed_out(self, timer: str) -> None:
        self._transition(TxState.TERMINATED)
        if not self.final.done():
            self.final.set_exception(
                SipTimeout(f"{self.request.method} to {self.request.uri}: timer {timer} fired")
            )

    def _retransmit(self, timer: str, interval: float, cap: float | None) -> None:
        def fire() -> None:
            self._send(self._wire)
            next_interval = 2 * interval if cap is None else min(2 * interval, cap)
            self._retransmit(timer, next_interval, cap)

        self._start_timer(timer, interval, fire)


class ClientInviteTransaction(ClientTransaction):
    """CALLING -> PROCEEDING -> ACCEPTED (2xx, TU sends ACK) | COMPLETED (3xx-6xx, we send ACK)."""

    def __init__(
        self,
        request: SipRequest,
        send: Send,
        timers: Timers,
        *,
        reliable: bool = False,
        config: TimerConfig = RFC_TIMERS,
    ) -> None:
        super().__init__(
            request, send, timers, reliable=reliable, config=config, state=TxState.CALLING
        )
        self._ack: bytes | None = None

    def start(self) -> None:
        self._send(self._wire)
        if not self.reliable:
            self._retransmit("A", self.config.t1, None)
        self._start_timer("B", 64 * self.config.t1, lambda: self._timed_out("B"))

    def receive(self, response: SipResponse) -> None:
        if self.state in (TxState.CALLING, TxState.PROCEEDING):
            self._stop_timer("A")
            if response.is_provisional:
                if self.state is TxState.CALLING:
                    self._transition(TxState.PROCEEDING)
                    self._stop_timer("B")  # timer B guards CALLING only; the TU times out ringing
            elif response.is_success:
                self._stop_timer("B")
                self._transition(TxState.ACCEPTED)
                self._start_timer("M", 64 * self.config.t1, self.terminate)
            else:
                self._stop_timer("B")
                self._ack = bytes(ack_for_error(self.request, response))
                self._send(self._ack)
                self._transition(TxState.COMPLETED)
                self._terminate_after("D", 0 if self.reliable else 32.0)
            self._pass_up(response)
        elif self.state is TxState.ACCEPTED and response.is_success:
            self._pass_up(response)
        elif (
            self.state is TxState.COMPLETED
            and not response.is_provisional
            and self._ack is not None
        ):
            self._send(self._ack)


class ClientNonInviteTransaction(ClientTransaction):
    """TRYING -> PROCEEDING (1xx) -> COMPLETED (final) -> TERMINATED after timer K."""

    def __init__(
        self,
        request: SipRequest,
        send: Send,
        timers: Timers,
        *,
        reliable: bool = False,
        config: TimerConfig = RFC_TIMERS,
    ) -> None:
        super().__init__(
            request, send, timers, reliable=reliable, config=config, state=TxState.TRYING
        )

    def start(self) -> None:
        self._send(self._wire)
        if not self.reliable:
            self._retransmit("E", self.config.t1, self.config.t2)
        self._start_timer("F", 64 * self.config.t1, lambda: self._timed_out("F"))

    def receive(self, response: SipResponse) -> None:
        if self.state not in (TxState.TRYING, TxState.PROCEEDING):
            return
        if response.is_provisional:
            if self.state is TxState.TRYING:
                self._transition(TxState.PROCEEDING)
                if not self.reliable:
                    self._retransmit("E", self.config.t2, self.config.t2)
        else:
            self._stop_timer("E")
            self._stop_timer("F")
            self._transition(TxState.COMPLETED)
            self._terminate_after("K", 0 if self.reliable else self.config.t4)
        self._pass_up(response)


def ack_for_error(invite: SipRequest, response: SipResponse) -> SipRequest:
    """The ACK a client INVITE transaction sends for a 3xx-6xx (§17.1.1.3): same branch and
    Request-URI, the To of the response, CSeq method ACK."""
    headers = Headers([("Via", invite.headers.get_all("Via")[0])])
    for name in ("Route",):
        for value in invite.headers.get_all(name):
            headers.add(name, value)
    headers.add("Max-Forwards", "70")
    headers.add("From", invite.headers.get("From") or "")
    headers.add("To", response.headers.get("To") or "")
    headers.add("Call-ID", invite.call_id)
    headers.add("CSeq", f"{invite.cseq[0]} ACK")
    headers.add("Content-Length", "0")
    return SipRequest(headers, b"", "ACK", invite.uri)
