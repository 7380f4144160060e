"""SIP over UDP and TCP on asyncio: listeners that hand whole messages to one callback.

UDP datagrams arrive as they are; TCP bytes are cut into messages by StreamFramer. Replies go back
the way requests came (the TCP connection, or the UDP source address as with rport, RFC 3581).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from telephony.sip.errors import SipParseError
from telephony.sip.message import StreamFramer

log = logging.getLogger(__name__)

MAX_TCP_CONNECTIONS = 1024


@dataclass(frozen=True, slots=True)
class Peer:
    """Where a message came from, or where one goes: transport ("UDP"/"TCP"), host, port."""

    transport: str
    host: str
    port: int

    @property
    def reliable(self) -> bool:
        return self.transport != "UDP"


Receive = Callable[[bytes, Peer], None]


class _UdpProtocol(asyncio.DatagramProtocol):
    def __init__(self, receive: Receive) -> None:
        self._receive = receive

    def datagram_received(self, data: bytes, addr: tuple) -> None:
        try:
            self._receive(data, Peer("UDP", addr[0], addr[1]))
        except Exception:  # one bad datagram must not stop the socket
            log.exception("SIP UDP handler failed on a datagram from %s:%s", addr[0], addr[1])

    def error_received(self, exc: Exception) -> None:
        log.debug("SIP UDP error: %s", exc)


class _TcpProtocol(asyncio.Protocol):
    def __init__(self, owner: SipTransport) -> None:
        self._owner = owner
        self._framer = StreamFramer()
        self.transport: asyncio.Transport | None = None
        self.peer: Peer | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        host, port = transport.get_extra_info("peername")[:2]
        self.transport = transport
        self.peer = Peer("TCP", host, port)
        if len(self._owner._connections) >= MAX_TCP_CONNECTIONS:
            log.warning("SIP TCP: %d connections, refusing %s:%s", MAX_TCP_CONNECTIONS, host, port)
            transport.close()
            return
        self._owner._connections[(host, port)] = self

    def data_received(self, data: bytes) -> None:
        assert self.peer is not None and self.transport is not None
        try:
            messages = self._framer.feed(data)
        except SipParseError as exc:
            log.info(
                "SIP TCP from %s:%s unframeable (%s), closing", self.peer.host, self.peer.port, exc
            )
            self.transport.close()
            return
        for message in messages:
            try:
                self._owner._receive(message, self.peer)
            except Exception:
                log.exception(
                    "SIP TCP handler failed on a message from %s:%s", self.peer.host, self.peer.port
                )

    def connection_lost(self, exc: Exception | None) -> None:
        if (
            self.peer is not None
            and self._owner._connections.get((self.peer.host, self.peer.port)) is self
        ):
            del self._owner._connections[(self.peer.host, self.peer.port)]


class SipTransport:
    """One UDP socket and one TCP listener on the same host and port."""

    def __init__(self, host: str, port: int, receive: Receive, *, tcp: bool = True) -> None:
        self.host = host
        self.port = port
        self._receive = receive
        self._tcp_enabled = tcp
        self._udp: asyncio.DatagramTransport | None = None
        self._tcp_server: asyncio.Server | None = None
        self._connections: dict[tuple[str, int], _TcpProtocol] = {}
        self._pending: dict[tuple[str, int], list[bytes]] = {}
        self._connect_tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._udp, _ = await loop.create_datagram_endpoint(
            lambda: _UdpProtocol(self._receive), local_addr=(self.host, self.port)
        )
        self.port = self._udp.get_extra_info("sockname")[1]  # port 0 picks a free one
        if self._tcp_enabled:
            self._tcp_server = await loop.create_server(
                lambda: _TcpProtocol(self), self.host, self.port
            )

    async def stop(self) -> None:
        for task in list(self._connect_tasks):
            task.cancel()
        if self._udp is not None:
            self._udp.close()
        if self._tcp_server is not None:
            self._tcp_server.close()
        for connection in list(self._connections.values()):
            if connection.transport is not None:
                connection.transport.close()
        if self._tcp_server is not None:
            await self._tcp_server.wait_closed()

    def send(self, data: bytes, peer: Peer) -> None:
        if peer.transport == "UDP":
            if self._udp is not None:
                self._udp.sendto(data, (peer.host, peer.port))
            return
        key = (peer.host, peer.port)
        connection = self._connections.get(key)
        if connection is not None and connection.transport is not None:
            connection.transport.write(data)
            return
        if key in self._pending:
            self._pending[key].append(data)
            return
        self._pending[key] = [data]
        task = asyncio.get_running_loop().create_task(self._connect(key))
        self._connect_tasks.add(task)
        task.add_done_callback(self._connect_tasks.discard)

    async def _connect(self, key: tuple[str, int]) -> None:
        try:
            await asyncio.get_running_loop().create_connection(lambda: _TcpProtocol(self), *key)
        except OSError as exc:
            log.info("SIP TCP connect to %s:%s failed: %s", key[0], key[1], exc)
            self._pending.pop(key, None)
            return
        queued = self._pending.pop(key, [])
        connection = self._connections.get(key)
        if connection is not None and connection.transport is not None:
            for data in queued:
                connection.transport.write(data)
