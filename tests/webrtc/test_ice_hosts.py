"""Choosing the ICE host addresses aiortc gathers on: per task, loopback allowed, reversible."""

from __future__ import annotations

import asyncio

import aioice.ice
import pytest
from aioice import stun
from aiortc import RTCConfiguration, RTCPeerConnection

from telephony.webrtc import gathering_on
from telephony.webrtc.ice_hosts import install, installed, uninstall
from telephony.webrtc.sdp_candidates import candidate_addresses


async def offer_hosts(addresses: list[str]) -> list[str]:
    """The hosts of an aiortc offer gathered inside gathering_on(addresses); nothing is sent,
    as an offer without an answer makes no connectivity checks."""
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.createDataChannel("probe")
    try:
        with gathering_on(addresses):
            await pc.setLocalDescription(await pc.createOffer())
        return [host for host, _ in candidate_addresses(pc.localDescription.sdp)]
    finally:
        await pc.close()


async def test_an_offer_gathered_on_loopback_has_only_that_candidate():
    assert await offer_hosts(["127.0.0.1"]) == ["127.0.0.1"]


async def test_concurrent_calls_keep_their_own_choice():
    first, second = await asyncio.gather(offer_hosts(["127.0.0.1"]), offer_hosts(["127.0.0.2"]))
    assert (first, second) == (["127.0.0.1"], ["127.0.0.2"])


async def test_outside_a_block_aioice_chooses_as_before():
    uninstall()
    aioices_choice = aioice.ice.get_host_addresses(True, True)  # every interface but loopback
    install()
    with gathering_on(["127.0.0.1", "::1"]):
        assert aioice.ice.get_host_addresses(True, True) == ["127.0.0.1", "::1"]
        assert aioice.ice.get_host_addresses(False, True) == ["::1"]
    with gathering_on([]):  # empty: aioice's choice
        assert aioice.ice.get_host_addresses(True, True) == aioices_choice
    assert aioice.ice.get_host_addresses(True, True) == aioices_choice
    assert "127.0.0.1" not in aioices_choice


async def test_uninstall_gives_aioice_its_own_functions_back():
    install()
    replaced = aioice.ice.get_host_addresses, aioice.ice.StunProtocol
    uninstall()
    try:
        assert not installed()
        assert aioice.ice.get_host_addresses is not replaced[0]
        assert aioice.ice.StunProtocol is not replaced[1]
        assert aioice.ice.get_host_addresses.__module__ == "aioice.ice"
    finally:
        install()
    assert (aioice.ice.get_host_addresses, aioice.ice.StunProtocol) == replaced


def test_a_name_that_is_not_an_address_is_refused():
    with pytest.raises(ValueError, match="'eth0' is not an IP address"):
        with gathering_on(["eth0"]):
            pass


class Receiver:
    def __init__(self) -> None:
        self.requests: list[tuple[str, int]] = []

    def request_received(self, message, addr, protocol) -> None:
        self.requests.append(addr)


class BoundTransport:
    def __init__(self, host: str) -> None:
        self.host = host

    def get_extra_info(self, name: str):
        return (self.host, 40000) if name == "sockname" else None


def binding_request() -> bytes:
    return bytes(stun.Message(message_method=stun.Method.BINDING, message_class=stun.Class.REQUEST))


@pytest.mark.parametrize(
    ("bound_to", "sender", "heard"),
    [
        ("127.0.0.1", ("127.0.0.1", 5000), True),
        ("127.0.0.1", ("192.0.2.2", 5000), False),  # a browser's LAN socket checking our 127.0.0.1
        ("192.0.2.2", ("192.0.2.7", 5000), True),  # other sockets: exactly as aioice
    ],
)
async def test_a_loopback_socket_hears_loopback_peers_only(bound_to, sender, heard):
    install()
    receiver = Receiver()
    protocol = aioice.ice.StunProtocol(receiver)
    protocol.connection_made(BoundTransport(bound_to))
    protocol.datagram_received(binding_request(), sender)
    assert receiver.requests == ([sender] if heard else [])
