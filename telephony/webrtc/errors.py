"""Errors of the WebRTC adapter.

WebRtcError
├── OfferError          the browser's offer cannot be answered (bad SDP, no audio)
├── DataChannelMessageError   a keypad or control message that means nothing to us
└── HostAddressError    none of the configured ICE host addresses could be used (configuration)
"""

from __future__ import annotations


class WebRtcError(Exception):
    """Base of every error raised by telephony.webrtc."""


class OfferError(WebRtcError, ValueError):
    """The SDP offer is malformed or offers nothing we can answer; not retryable."""


class DataChannelMessageError(WebRtcError, ValueError):
    """A data channel message that is not a keypad key or a known control message."""


class HostAddressError(WebRtcError):
    """No ICE host candidate could be gathered on the configured addresses (none is an address
    of this machine); a server configuration problem, not the caller's."""
