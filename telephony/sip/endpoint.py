"""The transaction user's gateway: parses what the transport delivers, matches it to transactions,
answers unparseable requests with 400 (or drops them) and sends requests in client transactions."""

from __future__ import annotations

import functools
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass

from telephony.sip.build import response_to
from telephony.sip.errors import SipParseError
from telephony.sip.headers import Headers, split_list
from telephony.sip.message import SipRequest, SipResponse, parse_message
from telephony.sip.timers import Timers
from telephony.sip.transaction import (
    RFC_TIMERS,
    ClientInviteTransaction,
    ClientNonInviteTransaction,
    ClientTransaction,
    ServerInviteTransaction,
    ServerNonInviteTransaction,
    ServerTransaction,
    TimerConfig,
    Transaction,
    transaction_key,
)
from telephony.sip.transport import Peer, SipTransport
from telephony.sip.uri import Via, parse_via

log = logging.getLogger(__name__)

# A new request with its server transaction (None for an ACK to a 2xx), and where it came from.
OnRequest = Callable[[SipRequest, ServerTransaction | None, Peer], None]
OnStrayResponse = Callable[[SipResponse, Peer], None]


@dataclass(slots=True)
class EndpointStats:
    received: int = 0
    malformed_answered: int = 0
    malformed_dropped: int = 0
    retransmissions_absorbed: int = 0


class SipEndpoint:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        timers: Timers,
        on_request: OnRequest,
        on_stray_response: OnStrayResponse | None = None,
        config: TimerConfig = RFC_TIMERS,
        tcp: bool = True,
    ) -> None:
        self.transport = SipTransport(host, port, self.receive, tcp=tcp)
        self.timers = timers
        self.config = config
        self._on_request = on_request
        self._on_stray_response = on_stray_response
        self._server: dict[tuple[str, str], ServerTransaction] = {}
        self._client: dict[tuple[str, str], ClientTransaction] = {}
        self.stats = EndpointStats()

    @property
    def host(self) -> str:
        return self.transport.host

    @property
    def port(self) -> int:
        return self.transport.port

    async def start(self) -> None:
        await self.transport.start()

    async def stop(self) -> None:
        for transaction in [*self._server.values(), *self._client.values()]:
            transaction.terminate()
        await self.transport.stop()

    def local_host_for(self, peer: Peer) -> str:
        """The address to advertise to `peer` (Via, Contact, SDP): the bound one, or, when bound
        to a wildcard, the local address the kernel would route to the peer from."""
        return advertised_host(self.host, peer.host)

    def via(self, peer: Peer, branch: str) -> str:
        host = self.local_host_for(peer)
        return f"SIP/2.0/{peer.transport} {host}:{self.port};branch={branch};rport"

    def sender(self, peer: Peer) -> Callable[[bytes], None]:
        return lambda data: self.transport.send(data, peer)

    def receive(self, data: bytes, peer: Peer) -> None:
        self.stats.received += 1
        if not data.strip(b"\r\n"):
            return  # keep-alive
        try:
            message = parse_message(data)
        except SipParseError as exc:
            self._reject(exc, peer)
            return
        if isinstance(message, SipResponse):
            self._receive_response(message, peer)
        else:
            self._receive_request(message, peer)

    def _reject(self, exc: SipParseError, peer: Peer) -> None:
        partial = exc.partial
        if isinstance(partial, SipRequest) and partial.method != "ACK" and "Via" in partial.headers:
            try:
                partial.top_via  # noqa: B018 - a 400 needs a Via to be routable
                reason = (
                    "Bad Request (" + exc.reason[:80].replace("\r", " ").replace("\n", " ") + ")"
                )
                self.transport.send(bytes(response_to(partial, 400, reason)), peer)
                self.stats.malformed_answered += 1
                log.info("400 to %s:%s: %s", peer.host, peer.port, exc.reason)
                return
            except SipParseError:
                pass
        self.stats.malformed_dropped += 1
        log.info("dropped unparseable message from %s:%s: %s", peer.host, peer.port, exc.reason)

    def _receive_request(self, request: SipRequest, peer: Peer) -> None:
        stamp_top_via(request, peer)
        key = transaction_key(request)
        existing = self._server.get(key)
        if request.method == "ACK":
            if (
                isinstance(existing, ServerInviteTransaction)
                and existing.last_response is not None
                and not existing.last_response.startswith(b"SIP/2.0 2")
            ):
                existing.receive_ack()
                return
            self._on_request(request, None, peer)  # the ACK of a 2xx belongs to the dialog
            return
        if existing is not None:
            self.stats.retransmissions_absorbed += 1
            existing.receive_retransmission()
            return
        send = self.sender(peer)
        kind = ServerInviteTransaction if request.method == "INVITE" else ServerNonInviteTransaction
        transaction = kind(request, send, self.timers, reliable=peer.reliable, config=self.config)
        self._track(self._server, transaction)
        self._on_request(request, transaction, peer)

    def _receive_response(self, response: SipResponse, peer: Peer) -> None:
        transaction = self._client.get(transaction_key(response))
        if transaction is not None:
            transaction.receive(response)  # type: ignore[attr-defined]
        elif self._on_stray_response is not None:
            self._on_stray_response(response, peer)

    def _track(self, table: dict, transaction: Transaction) -> None:
        table[transaction.key] = transaction

        def forget(done: Transaction) -> None:
            if table.get(done.key) is done:
                del table[done.key]

        transaction.on_terminated = forget

    def invite_transaction(self, cancel: SipRequest) -> ServerInviteTransaction | None:
        """The INVITE server transaction a CANCEL refers to (same branch, §9.2)."""
        found = self._server.get((transaction_key(cancel)[0], "INVITE"))
        return found if isinstance(found, ServerInviteTransaction) else None

    def send_request(self, request: SipRequest, peer: Peer) -> ClientTransaction:
        """Send `request` (its top Via carries a fresh branch) in a new client transaction."""
        kind = ClientInviteTransaction if request.method == "INVITE" else ClientNonInviteTransaction
        transaction = kind(
            request, self.sender(peer), self.timers, reliable=peer.reliable, config=self.config
        )
        self._track(self._client, transaction)
        transaction.start()
        return transaction

    def send_stateless(self, message: SipRequest | SipResponse, peer: Peer) -> None:
        """ACKs for 2xx and responses outside any transaction."""
        self.transport.send(bytes(message), peer)


def stamp_top_via(request: SipRequest, peer: Peer) -> None:
    """Add `received` when the sent-by host is not where the request came from (RFC 3261
    §18.2.1), and fill in an empty `rport` (RFC 3581), so responses tell a NATed client its
    public address. Only the first Via value changes."""
    fields = list(request.headers)
    for index, (name, value) in enumerate(fields):
        if Headers._key(name) != "via":
            continue
        first, *rest = split_list(value)
        via = parse_via(first)
        params = dict(via.params)
        if via.host != peer.host:
            params["received"] = peer.host
        if "rport" in params and params["rport"] is None:
            params["rport"] = str(peer.port)
            params["received"] = peer.host
        if params != via.params:
            stamped = str(Via(via.transport, via.host, via.port, params))
            fields[index] = (name, ", ".join([stamped, *rest]))
            request.headers = Headers(fields)
        return


_WILDCARDS = ("0.0.0.0", "::", "")


@functools.lru_cache(maxsize=256)
def advertised_host(bound: str, peer_host: str) -> str:
    if bound not in _WILDCARDS:
        return bound
    family = socket.AF_INET6 if ":" in peer_host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect((peer_host, 9))  # a UDP connect sends nothing: it only picks a route
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1" if family == socket.AF_INET else "::1"
