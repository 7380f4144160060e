"""Browser calls over WebRTC (aiortc): signaling, the call leg and its audio conversion."""

from telephony.webrtc.errors import DataChannelMessageError, OfferError, WebRtcError
from telephony.webrtc.leg import WebRtcCallLeg
from telephony.webrtc.messages import CONTROL_CHANNEL, DTMF_CHANNEL
from telephony.webrtc.signaling import answer_offer

__all__ = [
    "CONTROL_CHANNEL",
    "DTMF_CHANNEL",
    "DataChannelMessageError",
    "OfferError",
    "WebRtcCallLeg",
    "WebRtcError",
    "answer_offer",
]
