"""ICE candidate lines in SDP: read their addresses, drop the ones a call must not use. Pure text."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence

_PREFIX = "a=candidate:"


def _address_of(line: str) -> tuple[str, int] | None:
    # a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...
    fields = line[len(_PREFIX) :].split()
    if len(fields) < 6 or not fields[5].isdigit():
        return None
    return fields[4], int(fields[5])


def candidate_addresses(sdp: str) -> list[tuple[str, int]]:
    """(address or mDNS name, port) of every a=candidate line, in order."""
    lines = (line.strip() for line in sdp.splitlines() if line.startswith(_PREFIX))
    return [address for address in map(_address_of, lines) if address is not None]


def is_loopback_host(host: str) -> bool:
    """127.0.0.0/8 or ::1; a name (an mDNS .local candidate) is never loopback."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def keep_candidates(sdp: str, keep: Callable[[str], bool]) -> str:
    """The SDP without the a=candidate lines whose address `keep` refuses; other lines untouched."""
    lines = sdp.splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith(_PREFIX) or _kept(line, keep))


def _kept(line: str, keep: Callable[[str], bool]) -> bool:
    address = _address_of(line.strip())
    return address is not None and keep(address[0])


def all_loopback(addresses: Sequence[str]) -> bool:
    """True for a non-empty list of loopback addresses only (127.0.0.0/8, ::1)."""
    return bool(addresses) and all(is_loopback_host(a) for a in addresses)


def usable_remote_candidates(sdp: str, host_addresses: Sequence[str]) -> str:
    """The peer's SDP as our ICE should see it: when we gather on loopback only, its other
    candidates (LAN addresses, mDNS names) are dropped, so no check or mDNS query leaves
    loopback; otherwise the SDP unchanged."""
    if all_loopback(host_addresses):
        return keep_candidates(sdp, is_loopback_host)
    return sdp
