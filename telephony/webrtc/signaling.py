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
        pc.addTrack(leg.bot_track)
        await pc.setLocalDescription(await pc.createAnswer())
    except ValueError as exc:
        await leg.close()
        raise OfferError(f"cannot answer the offer: {exc}") from exc
    except BaseException:
        await leg.close()
        raise
    return leg, pc.localDescription
