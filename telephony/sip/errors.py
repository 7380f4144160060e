"""Errors of the SIP stack.

SipError
├── SipParseError (also ValueError)     bytes that are not a valid SIP message
├── SipTransactionError
│   └── SipTimeout                      no final response before timer B / F fired
├── SipStateError (also RuntimeError)   an illegal state transition (a bug, not a peer fault)
└── SipCallFailed                       an outgoing request got a final non-2xx answer
"""

from __future__ import annotations


class SipError(Exception):
    """Base of every error raised by telephony.sip."""


class SipParseError(SipError, ValueError):
    """`data` is not a SIP message. `request_line` is set when the first line was a valid request
    line, so a server can still answer 400 instead of dropping the datagram; `partial` then holds
    whatever headers could be read (enough, often, to address the 400)."""

    def __init__(self, reason: str, *, partial: object | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.partial = partial


class SipTransactionError(SipError):
    """A client transaction ended without a usable response."""


class SipTimeout(SipTransactionError):
    """Timer B (INVITE) or F (non-INVITE) fired: the peer never answered."""


class SipStateError(SipError, RuntimeError):
    """A state machine was asked for a transition its current state does not allow."""


class SipCallFailed(SipError):
    """An outgoing request was answered with a final error response."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status} {reason}")
        self.status = status
        self.reason = reason
