"""SIP messages (RFC 3261 §7): `parse_message(bytes) -> SipRequest | SipResponse` and `bytes(msg)`.

Pure code, no I/O. A parsed message serializes back byte for byte when it arrived in canonical form
(CRLF line ends, no folded headers); header names keep the spelling they arrived with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from telephony.sip.errors import SipParseError
from telephony.sip.headers import Headers
from telephony.sip.uri import NameAddr, SipUri, Via, is_token, parse_name_addr, parse_uri, parse_via

SIP_VERSION = "SIP/2.0"
MAX_MESSAGE_SIZE = 65_535  # what fits in one UDP datagram; TCP messages are held to the same limit
_HEADER_NAME = re.compile(r"^[A-Za-z0-9\-.!%*_+`'~]+$")
_MANDATORY = ("Via", "From", "To", "Call-ID", "CSeq")

REASON_PHRASES = {
    100: "Trying",
    180: "Ringing",
    181: "Call Is Being Forwarded",
    182: "Queued",
    183: "Session Progress",
    200: "OK",
    202: "Accepted",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    407: "Proxy Authentication Required",
    408: "Request Timeout",
    415: "Unsupported Media Type",
    416: "Unsupported URI Scheme",
    420: "Bad Extension",
    480: "Temporarily Unavailable",
    481: "Call/Transaction Does Not Exist",
    482: "Loop Detected",
    483: "Too Many Hops",
    486: "Busy Here",
    487: "Request Terminated",
    488: "Not Acceptable Here",
    491: "Request Pending",
    500: "Server Internal Error",
    501: "Not Implemented",
    503: "Service Unavailable",
    504: "Server Time-out",
    505: "Version Not Supported",
    513: "Message Too Large",
    600: "Busy Everywhere",
    603: "Decline",
}


@dataclass(slots=True)
class _Message:
    headers: Headers
    body: bytes

    @property
    def call_id(self) -> str:
        return self.headers.get("Call-ID") or ""

    @property
    def cseq(self) -> tuple[int, str]:
        return parse_cseq(self.headers.get("CSeq") or "")

    @property
    def from_(self) -> NameAddr:
        return parse_name_addr(self.headers.get("From") or "")

    @property
    def to(self) -> NameAddr:
        return parse_name_addr(self.headers.get("To") or "")

    @property
    def vias(self) -> list[Via]:
        return [parse_via(v) for v in self.headers.get_all("Via")]

    @property
    def top_via(self) -> Via:
        values = self.headers.get_all("Via")
        if not values:
            raise SipParseError("no Via header")
        return parse_via(values[0])

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    def _head_and_body(self, start_line: str) -> bytes:
        lines = [start_line, *(f"{name}: {value}" for name, value in self.headers)]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


@dataclass(slots=True)
class SipRequest(_Message):
    method: str = "OPTIONS"
    uri: str = ""
    version: str = SIP_VERSION

    @property
    def request_uri(self) -> SipUri:
        return parse_uri(self.uri)

    def __bytes__(self) -> bytes:
        return self._head_and_body(f"{self.method} {self.uri} {self.version}")


@dataclass(slots=True)
class SipResponse(_Message):
    status: int = 200
    reason: str = "OK"
    version: str = SIP_VERSION

    @property
    def is_provisional(self) -> bool:
        return self.status < 200

    @property
    def is_success(self) -> bool:
        return 200 <= self.status < 300

    def __bytes__(self) -> bytes:
        return self._head_and_body(f"{self.version} {self.status} {self.reason}")


SipMessage = SipRequest | SipResponse


def parse_cseq(value: str) -> tuple[int, str]:
    number, _, method = value.strip().partition(" ")
    method = method.strip()
    if not number.isdigit() or int(number) >= 2**31:
        raise SipParseError(f"CSeq number {number!r} is not an integer below 2**31")
    if not method or not is_token(method):
        raise SipParseError(f"CSeq {value!r} has no valid method")
    return int(number), method


@dataclass(slots=True)
class _Head:
    start_line: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _split_head(head: str) -> _Head:
    lines = head.replace("\r\n", "\n").split("\n")
    parsed = _Head(lines[0])
    for line in lines[1:]:
        if line[:1] in (" ", "\t"):  # folded continuation (RFC 3261 §7.3.1): one space joins it
            if not parsed.fields:
                parsed.problems.append("continuation line before any header")
                continue
            name, value = parsed.fields[-1]
            parsed.fields[-1] = (name, f"{value} {line.strip()}".strip())
            continue
        name, colon, value = line.partition(":")
        name = name.strip()
        if not colon or not _HEADER_NAME.match(name):
            parsed.problems.append(f"malformed header line {line[:60]!r}")
            continue
        parsed.fields.append((name, value.strip()))
    return parsed


def parse_message(data: bytes) -> SipRequest | SipResponse:
    """Parse one whole message as it arrives in a UDP datagram (or as StreamFramer cut it out).

    Raises SipParseError with a precise reason. When the request line was valid, the error's
    `partial` is a SipRequest with whatever headers could be read, so a server can answer 400.
    """
    if len(data) > MAX_MESSAGE_SIZE:
        raise SipParseError(f"message of {len(data)} bytes exceeds {MAX_MESSAGE_SIZE}")
    data = data.lstrip(b"\r\n")  # keep-alive CRLFs and leading empty lines are ignored (§7.5)
    if not data:
        raise SipParseError("empty message")
    head_end = data.find(b"\r\n\r\n")
    separator = 4
    if head_end < 0:
        head_end, separator = data.find(b"\n\n"), 2
    if head_end < 0:
        head_bytes, rest = data, b""
        missing_blank = True
    else:
        head_bytes, rest = data[:head_end], data[head_end + separator :]
        missing_blank = False
    try:
        head_text = head_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SipParseError(f"header section is not UTF-8 at byte {exc.start}") from exc
    head = _split_head(head_text)
    message = _start(head.start_line)
    message.headers = Headers(head.fields)
    problems = list(head.problems)
    if missing_blank:
        problems.append("no empty line after the headers")
    message.body, body_problem = _take_body(message.headers, rest)
    if body_problem:
        problems.append(body_problem)
    problems.extend(_check(message))
    if problems:
        raise SipParseError(
            "; ".join(problems), partial=message if isinstance(message, SipRequest) else None
        )
    return message


def _start(line: str) -> SipRequest | SipResponse:
    if line.startswith("SIP/"):
        parts = line.split(" ", 2)
        if len(parts) < 2 or parts[0] != SIP_VERSION:
            raise SipParseError(f"bad status line {line[:80]!r}")
        status = parts[1]
        if len(status) != 3 or not status.isdigit() or not 100 <= int(status) <= 699:
            raise SipParseError(f"bad status code {status!r}")
        reason = parts[2] if len(parts) == 3 else ""
        return SipResponse(Headers(), b"", int(status), reason)
    parts = line.split(" ")
    if len(parts) != 3:
        raise SipParseError(f"request line needs 'METHOD URI SIP/2.0', got {line[:80]!r}")
    method, uri, version = parts
    if not is_token(method):
        raise SipParseError(f"invalid method {method[:40]!r}")
    if version != SIP_VERSION:
        raise SipParseError(f"unsupported version {version[:20]!r}")
    if ":" not in uri:
        raise SipParseError(f"request URI {uri[:80]!r} has no scheme")
    return SipRequest(Headers(), b"", method, uri, version)


def _take_body(headers: Headers, rest: bytes) -> tuple[bytes, str | None]:
    values = headers.get_all("Content-Length")
    if not values:
        return rest, None
    if len(set(values)) > 1:
        return rest, f"conflicting Content-Length values {values}"
    text = values[0].strip()
    if not text.isdigit():
        return rest, f"Content-Length {text[:20]!r} is not a number"
    length = int(text)
    if length > len(rest):
        return rest, f"Content-Length {length} exceeds the {len(rest)} bytes of body received"
    return rest[:length], None  # datagram bytes past Content-Length are discarded (§18.3)


def _check(message: SipRequest | SipResponse) -> list[str]:
    problems = [f"missing {name} header" for name in _MANDATORY if name not in message.headers]
    if problems:
        return problems
    for name in ("Call-ID", "CSeq", "From", "To"):
        if len(message.headers.get_all(name)) > 1:
            problems.append(f"more than one {name} header")
    try:
        number, method = message.cseq
        if isinstance(message, SipRequest) and method != message.method:
            problems.append(f"CSeq method {method} does not match request method {message.method}")
        message.vias  # noqa: B018 - parsed for validation
        message.from_  # noqa: B018
        message.to  # noqa: B018
        for contact in message.headers.get_all("Contact"):
            if contact.strip() != "*":
                parse_name_addr(contact)
        if isinstance(message, SipRequest):
            message.request_uri  # noqa: B018
            max_forwards = message.headers.get("Max-Forwards")
            if max_forwards is not None and not max_forwards.strip().isdigit():
                problems.append(f"Max-Forwards {max_forwards[:20]!r} is not a number")
    except SipParseError as exc:
        problems.append(exc.reason)
    if not message.call_id.strip():
        problems.append("empty Call-ID")
    return problems


class StreamFramer:
    """Cuts SIP messages out of a TCP byte stream by Content-Length (RFC 3261 §18.3).

    `feed(data)` returns every message completed by `data`; partial input stays buffered. CRLF
    keep-alives between messages are skipped. A message without Content-Length is taken to have no
    body (the header is mandatory on streams). Raises SipParseError when the stream cannot be framed
    any further (an oversized head or a non-numeric Content-Length): the connection should be closed.
    """

    def __init__(self, max_size: int = MAX_MESSAGE_SIZE) -> None:
        self._buffer = bytearray()
        self._max_size = max_size

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer.extend(data)
        messages: list[bytes] = []
        while True:
            while self._buffer[:2] == b"\r\n":
                del self._buffer[:2]
            head_end = self._buffer.find(b"\r\n\r\n")
            if head_end < 0:
                if len(self._buffer) > self._max_size:
                    raise SipParseError(f"no end of headers within {self._max_size} bytes")
                return messages
            length = _stream_content_length(bytes(self._buffer[:head_end]))
            total = head_end + 4 + length
            if total > self._max_size:
                raise SipParseError(f"message of {total} bytes exceeds {self._max_size}")
            if len(self._buffer) < total:
                return messages
            messages.append(bytes(self._buffer[:total]))
            del self._buffer[:total]

    @property
    def buffered(self) -> int:
        return len(self._buffer)


_CONTENT_LENGTH = re.compile(
    rb"^(?:content-length|l)[ \t]*:[ \t]*(\S*)", re.IGNORECASE | re.MULTILINE
)


def _stream_content_length(head: bytes) -> int:
    match = _CONTENT_LENGTH.search(head)
    if match is None:
        return 0
    value = match.group(1)
    if not value.isdigit():
        raise SipParseError(f"Content-Length {value[:20]!r} is not a number")
    return int(value)
