"""What "this call stayed on loopback" means in the tests, checked three ways."""

from __future__ import annotations

from collections.abc import Sequence

from telephony.webrtc.ice_hosts import Address
from telephony.webrtc.sdp_candidates import candidate_addresses, is_loopback_host
from voicebot.settings import Settings, WebRtcSettings

from .packets import UdpWatch

LOOPBACK = ("127.0.0.1",)


def loopback_settings() -> Settings:
    """Server settings whose WebRTC leg offers 127.0.0.1 only."""
    return Settings(webrtc=WebRtcSettings(host_addresses=list(LOOPBACK)))


def assert_stayed_on_loopback(
    pairs: Sequence[tuple[Address, Address]],
    *,
    loopback_sdps: Sequence[str],
    other_sdps: Sequence[str] = (),
    watch: UdpWatch | None,
) -> None:
    """The nominated ICE pairs are loopback to loopback; every candidate in `loopback_sdps` is a
    loopback address; and (where raw sockets are allowed) every datagram from or to any
    candidate of the call went to a loopback address. `other_sdps`: SDP whose candidates may be
    LAN addresses (a browser offers them all), watched but not required to be loopback."""
    assert pairs, "ICE nominated no candidate pair"
    for local, remote in pairs:
        assert is_loopback_host(local[0]) and is_loopback_host(remote[0]), pairs
    ours = [address for sdp in loopback_sdps for address in candidate_addresses(sdp)]
    assert ours, "no ICE candidates in the SDP"
    assert all(is_loopback_host(host) for host, _ in ours), ours
    if watch is not None:
        theirs = [address for sdp in other_sdps for address in candidate_addresses(sdp)]
        seen = watch.touching([*ours, *theirs])
        assert seen, "the packet watch saw none of the call's datagrams"
        assert [d for d in seen if not d.to_loopback] == []
