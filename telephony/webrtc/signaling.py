"""Answer a browser's SDP offer with a WebRtcCallLeg: the POST /webrtc/offer step, minus HTTP."""

from __future__ import annotations

from collections.abc import Sequence

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from telephony.webrtc.errors import HostAddressError, OfferError
from telephony.webrtc.ice_hosts import gathering_on, normalized
from telephony.webrtc.leg import WebRtcCallLeg
from telephony.webrtc.sdp_candidates import candidate_addresses, usable_remote_candidates
from voicebot.clock import Clock


async def answer_offer(
    sdp: str,
    type_: str = "offer",
    *,
    call_id: str | None = None,
    remote_party: str = "browser",
    clock: Clock | None = None,
    host_addresses: Sequence[str] = (),
) -> tuple[WebRtcCallLeg, RTCSessionDescription]:
    """Accept an offer; returns the leg and the answer to send back (ICE candidates included).

    `host_addresses` are the local IP addresses offered as ICE host candidates (loopback
    allowed); empty means every interface but loopback, aioice's default. Raises OfferError for
    an offer we cannot answer, HostAddressError when none of `host_addresses` can be bound.

    No STUN/TURN servers: aiortc's default asks a public STUN server, and calls here are on
    loopback or a LAN. aiortc gathers candidates inside setLocalDescription, so the answer is
    complete (no trickle ICE).
    """
    if type_ != "offer":
        raise OfferError(f'expected an SDP of type "offer", got {type_!r}')
    if "m=audio" not in sdp:
        raise OfferError("the offer has no audio (m=audio) section")
    addresses = normalized(host_addresses)
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    leg = WebRtcCallLeg(pc, call_id=call_id, remote_party=remote_party, clock=clock)
    remote = usable_remote_candidates(sdp, addresses)
    try:
        await pc.setRemoteDescription(RTCSessionDescription(sdp=remote, type=type_))
    except Exception as exc:  # aiortc's SDP parser fails with asserts and ValueErrors alike
        await leg.close()
        detail = str(exc) or type(exc).__name__
        raise OfferError(f"cannot use the offer's SDP: {detail}") from exc
    try:
        pc.addTrack(leg.bot_track)
        with gathering_on(addresses):
            await pc.setLocalDescription(await pc.createAnswer())
    except BaseException:
        await leg.close()
        raise
    if addresses and not candidate_addresses(pc.localDescription.sdp):
        await leg.close()
        raise HostAddressError(
            f"no ICE host candidate could be gathered on {', '.join(addresses)}:"
            " is each one an address of this machine? (settings: webrtc.host_addresses)"
        )
    return leg, pc.localDescription
