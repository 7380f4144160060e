"""Building requests and responses the way RFC 3261 §8.1.1 and §8.2.6 say to."""

from __future__ import annotations

import secrets

from telephony.sip.headers import Headers
from telephony.sip.message import REASON_PHRASES, SipRequest, SipResponse

MAGIC_COOKIE = "z9hG4bK"  # RFC 3261 §8.1.1.7: branches starting with it are globally unique
USER_AGENT = "voicebot"


def new_branch() -> str:
    return MAGIC_COOKIE + secrets.token_hex(8)


def new_tag() -> str:
    return secrets.token_hex(6)


def new_call_id(host: str) -> str:
    return f"{secrets.token_hex(12)}@{host}"


def response_to(
    request: SipRequest,
    status: int,
    reason: str | None = None,
    *,
    to_tag: str | None = None,
    headers: list[tuple[str, str]] | None = None,
    body: bytes = b"",
    content_type: str | None = None,
) -> SipResponse:
    """A response that copies Via, From, To (adding `to_tag` if To has none), Call-ID and CSeq;
    Record-Route too for dialog-creating responses (§12.1.1)."""
    out = Headers()
    for name, value in request.headers:
        canonical = Headers._key(name)
        if canonical in ("via", "from", "call-id", "cseq"):
            out.add(name, value)
        elif canonical == "to":
            if to_tag and ";tag=" not in value.replace(" ", "").lower():
                value = f"{value};tag={to_tag}"
            out.add(name, value)
        elif canonical == "record-route" and 100 < status < 300:
            out.add(name, value)
    for name, value in headers or []:
        out.add(name, value)
    out.add("Server", USER_AGENT)
    if content_type and body:
        out.add("Content-Type", content_type)
    out.add("Content-Length", str(len(body)))
    return SipResponse(out, body, status, reason or REASON_PHRASES.get(status, "Unknown"))


def make_request(
    method: str,
    uri: str,
    *,
    via: str,
    from_: str,
    to: str,
    call_id: str,
    cseq: int,
    contact: str | None = None,
    routes: list[str] | None = None,
    headers: list[tuple[str, str]] | None = None,
    body: bytes = b"",
    content_type: str | None = None,
) -> SipRequest:
    out = Headers([("Via", via), ("Max-Forwards", "70")])
    for route in routes or []:
        out.add("Route", route)
    out.add("From", from_)
    out.add("To", to)
    out.add("Call-ID", call_id)
    out.add("CSeq", f"{cseq} {method}")
    if contact:
        out.add("Contact", contact)
    for name, value in headers or []:
        out.add(name, value)
    out.add("User-Agent", USER_AGENT)
    if content_type and body:
        out.add("Content-Type", content_type)
    out.add("Content-Length", str(len(body)))
    return SipRequest(out, body, method, uri)
