"""A packet-level witness for the loopback rule: every UDP datagram of a call, on every interface.

Opens a Linux AF_PACKET socket (root or CAP_NET_RAW), so the kernel shows each datagram as it
crosses any interface, lo included; a datagram to this machine's own LAN address also crosses lo,
with that address as its destination, so it is seen. Where raw sockets are not allowed
`UdpWatch.open()` returns None and tests rely on the ICE pair check alone.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
import threading
from collections.abc import Iterable
from dataclasses import dataclass

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
UDP = 17


@dataclass(frozen=True, slots=True)
class Datagram:
    interface: str
    source: tuple[str, int]
    destination: tuple[str, int]

    @property
    def to_loopback(self) -> bool:
        return ipaddress.ip_address(self.destination[0]).is_loopback


def parse_udp(packet: bytes, ethertype: int) -> tuple[tuple[str, int], tuple[str, int]] | None:
    """(source, destination) of an IPv4/IPv6 UDP packet without link header; None for others."""
    if ethertype == ETH_P_IP and len(packet) >= 20 and packet[9] == UDP:
        header = (packet[0] & 0x0F) * 4
        if len(packet) < header + 4:
            return None
        sport, dport = struct.unpack_from("!HH", packet, header)
        src, dst = (
            socket.inet_ntop(socket.AF_INET, packet[12:16]),
            socket.inet_ntop(socket.AF_INET, packet[16:20]),
        )
        return (src, sport), (dst, dport)
    if ethertype == ETH_P_IPV6 and len(packet) >= 44 and packet[6] == UDP:
        sport, dport = struct.unpack_from("!HH", packet, 40)
        src = socket.inet_ntop(socket.AF_INET6, packet[8:24])
        dst = socket.inet_ntop(socket.AF_INET6, packet[24:40])
        return (src, sport), (dst, dport)
    return None


class UdpWatch:
    """Records UDP datagrams seen on any interface until `stop()`."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._stopping = threading.Event()
        self.seen: set[Datagram] = set()
        self._thread = threading.Thread(target=self._read, name="udp-watch", daemon=True)
        self._thread.start()

    @classmethod
    def open(cls) -> UdpWatch | None:
        try:  # cooked packets: no link header, the ethertype comes with the address
            sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_ALL))
        except (PermissionError, AttributeError, OSError):
            return None
        sock.settimeout(0.1)
        return cls(sock)

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(2)
        self._sock.close()

    def touching(self, endpoints: Iterable[tuple[str, int]]) -> list[Datagram]:
        """Datagrams from or to one of `endpoints` (a call's ICE candidates); all when empty."""
        wanted = set(endpoints)
        seen = list(self.seen)  # a copy: the reader thread adds as we look
        if not wanted:
            return seen
        return [d for d in seen if d.source in wanted or d.destination in wanted]

    def _read(self) -> None:
        while not self._stopping.is_set():  # bounded by stop(): each wait is 0.1 s
            try:
                packet, address = self._sock.recvfrom(65535)
            except TimeoutError:
                continue
            except OSError:
                return
            ends = parse_udp(packet, address[1])
            if ends is not None:
                self.seen.add(Datagram(address[0], *ends))
