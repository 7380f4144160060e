"""Errors of the WebRTC adapter.

WebRtcError
├── OfferError          the browser's offer cannot be answered (bad SDP, no audio)
└── DataChannelMessageError   a keypad or control message that means nothing to us
"""

from __future__ import annotations


class WebRtcError(Exception):
    """Base of every error raised by telephony.webrtc."""


class OfferError(WebRtcError, ValueError):
    """The SDP offer is malformed or offers nothing we can answer; not retryable."""


class DataChannelMessageError(WebRtcError, ValueError):
    """A data channel message that is not a keypad key or a known control message."""
