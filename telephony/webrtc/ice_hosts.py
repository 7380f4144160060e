"""Which local addresses aiortc offers as ICE host candidates, and which pair ICE chose.

The one place that reaches into aioice (0.13) below aiortc; `install()` replaces two of its
module globals and `uninstall()` puts them back:

- `aioice.ice.get_host_addresses`, which lists every interface except loopback; neither aiortc's
  RTCConfiguration nor aioice's Connection takes a list of addresses, and aiortc builds the
  Connection itself. The replacement returns the addresses chosen by the innermost
  `gathering_on(...)` block of the running task, and aioice's own answer outside any block.
  aiortc gathers inside `setLocalDescription` in tasks started from the caller's task, which
  inherit the choice (a ContextVar), so concurrent calls with different choices do not mix.
- `aioice.ice.StunProtocol`, the host candidate's socket protocol. The replacement drops
  datagrams from non-loopback addresses when its socket is bound to a loopback address: a
  browser started with --allow-loopback-in-peer-connection also checks our 127.0.0.1 candidate
  from its LAN sockets, and answering would send to the LAN address (and nominate that pair).
  Sockets on other addresses behave exactly as aioice's.

aiortc does not expose the nominated candidate pair either; `nominated_pairs` reads it from the
aioice Connection, for tests and diagnostics.
"""

from __future__ import annotations

import contextlib
import contextvars
import ipaddress
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import aioice.ice
from aiortc import RTCIceTransport, RTCPeerConnection

from telephony.webrtc.sdp_candidates import is_loopback_host

Address = tuple[str, int]
_GetHostAddresses = Callable[[bool, bool], list[str]]

_chosen: contextvars.ContextVar[tuple[str, ...] | None] = contextvars.ContextVar(
    "webrtc_ice_host_addresses", default=None
)
_aioice_get_host_addresses: _GetHostAddresses | None = None  # aioice's own, while replaced
_AioiceStunProtocol = aioice.ice.StunProtocol


class _LoopbackStaysLoopback(_AioiceStunProtocol):
    """aioice's protocol, except that a socket bound to loopback hears loopback peers only."""

    _loopback_only = False

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        sockname = transport.get_extra_info("sockname")  # None for a TURN relay's transport
        self._loopback_only = bool(sockname) and is_loopback_host(sockname[0])

    def datagram_received(self, data: bytes | str, addr: tuple[Any, ...]) -> None:
        if self._loopback_only and not is_loopback_host(addr[0]):
            return  # only this machine's own LAN address can be the source: never answer it
        super().datagram_received(data, addr)


def _chosen_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    chosen = _chosen.get()
    if chosen is None:
        assert _aioice_get_host_addresses is not None
        return _aioice_get_host_addresses(use_ipv4, use_ipv6)
    wanted = {4: use_ipv4, 6: use_ipv6}
    return [a for a in chosen if wanted[ipaddress.ip_address(a).version]]


def install() -> None:
    """Route aioice's host address lookup through `gathering_on` and keep loopback sockets to
    loopback peers; idempotent."""
    global _aioice_get_host_addresses
    if _aioice_get_host_addresses is None:
        _aioice_get_host_addresses = aioice.ice.get_host_addresses
        aioice.ice.get_host_addresses = _chosen_host_addresses
        aioice.ice.StunProtocol = _LoopbackStaysLoopback


def uninstall() -> None:
    """Give aioice its own lookup and protocol back (connections already made keep theirs)."""
    global _aioice_get_host_addresses
    if _aioice_get_host_addresses is not None:
        aioice.ice.get_host_addresses = _aioice_get_host_addresses
        aioice.ice.StunProtocol = _AioiceStunProtocol
        _aioice_get_host_addresses = None


def installed() -> bool:
    return _aioice_get_host_addresses is not None


def normalized(addresses: Sequence[str]) -> tuple[str, ...]:
    """The addresses as IP literals in canonical form; ValueError names the first that is not."""
    result = []
    for address in addresses:
        try:
            result.append(str(ipaddress.ip_address(address)))
        except ValueError:
            raise ValueError(f"{address!r} is not an IP address") from None
    return tuple(result)


@contextlib.contextmanager
def gathering_on(addresses: Sequence[str]) -> Iterator[None]:
    """Within the block, aiortc peer connections of this task gather host candidates on
    `addresses` only (loopback allowed); an empty sequence leaves aioice's choice."""
    chosen = normalized(addresses)
    install()
    token = _chosen.set(chosen or None)
    try:
        yield
    finally:
        _chosen.reset(token)


def nominated_pairs(pc: RTCPeerConnection) -> list[tuple[Address, Address]]:
    """(local, remote) address of the candidate pair ICE nominated, per ICE transport in use.

    Empty until ICE completes. Reads aioice's Connection (`_connection._nominated`), which
    aiortc does not expose; update here if either library changes its internals.
    """
    transports = {id(t): t for t in _ice_transports(pc)}.values()
    pairs = []
    for transport in transports:
        connection = transport._connection
        for component in sorted(connection._nominated):
            pair = connection._nominated[component]
            pairs.append((pair.local_addr, pair.remote_addr))
    return pairs


def _ice_transports(pc: RTCPeerConnection) -> list[RTCIceTransport]:
    transports = [t.receiver.transport.transport for t in pc.getTransceivers()]
    if pc.sctp is not None:
        transports.append(pc.sctp.transport.transport)
    return transports
