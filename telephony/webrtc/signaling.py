"""Answer a browser's SDP offer with a WebRtcCallLeg: the POST /webrtc/offer step, minus HTTP."""

from __future__ import annotations

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from telephony.webrtc.errors import OfferError
from telephony.webrtc.leg import WebRtcCallLeg
from voicebot.clock import Clock


async def answer_offer(
    sdp: str,
    type_: str = "offer",
    *,
    call_id: str | None = None,
    remote_party: str = "browser",
    clock: Clock | None = None,
) -> tuple[WebRtcCallLeg, RTCSessionDescription]:
    """Accept an offer; returns the leg and the answer to send back (ICE candidates included).

    No STUN/TURN servers: aiortc's default asks a public STUN server, and calls here are on
    loopback or a LAN. aiortc gathers candidates inside setLocalDescription, so the answer is
    complete (no trickle ICE).
    """
    if type_ != "offer":
        raise OfferError(f'expected an SDP of type "offer", got {type_!r}')
    if "m=audio" not in sdp:
        raise OfferError("the offer has no audio (m=audio) section")
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    leg = WebRtcCallLeg(pc, call_id=call_id, remote_party=remote_party, clock=clock)
    try:
        await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type=type_))
    except Exception as exc:  # aiortc's SDP parser fails with asserts and ValueErrors alike
        await leg.close()
        detail = str(exc) or type(exc).__name__
        raise OfferError(f"cannot use the offer's SDP: {detail}") from exc
    try:
        pc.addTrack(leg.bot_track)
        await pc.setLocalDescription(await pc.createAnswer())
    except BaseException:
        await leg.close()
        raise
    return leg, pc.localDescription
