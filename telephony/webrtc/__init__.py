"""Browser calls over WebRTC (aiortc): signaling, the call leg and its audio conversion."""

from telephony.webrtc.errors import (
    DataChannelMessageError,
    HostAddressError,
    OfferError,
    WebRtcError,
)
from telephony.webrtc.ice_hosts import gathering_on, nominated_pairs
from telephony.webrtc.leg import WebRtcCallLeg
from telephony.webrtc.messages import CONTROL_CHANNEL, DTMF_CHANNEL
from telephony.webrtc.signaling import answer_offer

__all__ = [
    "CONTROL_CHANNEL",
    "DTMF_CHANNEL",
    "DataChannelMessageError",
    "HostAddressError",
    "OfferError",
    "WebRtcCallLeg",
    "WebRtcError",
    "answer_offer",
    "gathering_on",
    "nominated_pairs",
]
