"""Errors of telephony.rtp. Malformed packets raise ValueError from the parsers (and are counted,
not raised, by a running session).

Exception
 └── RtpError
      ├── RtpSessionClosed   receive() on a session that was closed and has nothing left
      └── RtpNotStarted      sending or reading the address before start()
"""

from __future__ import annotations


class RtpError(Exception):
    pass


class RtpSessionClosed(RtpError):
    pass


class RtpNotStarted(RtpError):
    pass
