"""DTMF carried in SIP INFO bodies: application/dtmf-relay (`Signal=5\\r\\nDuration=160`) and
application/dtmf (the digit alone). Pure parsing."""

from __future__ import annotations

from telephony.leg import DtmfDigit

DTMF_INFO_TYPES = ("application/dtmf-relay", "application/dtmf")
_DIGITS = "0123456789*#ABCD"
_NUMERIC_EVENTS = {"10": "*", "11": "#", "12": "A", "13": "B", "14": "C", "15": "D"}


class DtmfInfoError(ValueError):
    """An INFO body that names no DTMF digit."""


def _digit(text: str) -> str:
    text = text.strip().upper()
    text = _NUMERIC_EVENTS.get(text, text)
    if len(text) != 1 or text not in _DIGITS:
        raise DtmfInfoError(f"not a DTMF digit: {text[:10]!r}")
    return text


def parse_dtmf_info(content_type: str, body: bytes, *, timestamp: float = 0.0) -> DtmfDigit:
    """The digit in an INFO body; `Duration` is in milliseconds (default 100 ms)."""
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError as exc:
        raise DtmfInfoError("DTMF INFO body is not ASCII") from exc
    content_type = content_type.lower()
    if content_type == "application/dtmf":
        return DtmfDigit(_digit(text), timestamp)
    if content_type != "application/dtmf-relay":
        raise DtmfInfoError(f"content type {content_type!r} carries no DTMF")
    fields: dict[str, str] = {}
    for line in text.replace("\r\n", "\n").split("\n"):
        name, sep, value = line.partition("=")
        if sep:
            fields[name.strip().lower()] = value.strip()
    if "signal" not in fields:
        raise DtmfInfoError("dtmf-relay body has no Signal= line")
    duration_ms = fields.get("duration", "100")
    duration = int(duration_ms) / 1000 if duration_ms.isdigit() else 0.1
    return DtmfDigit(_digit(fields["signal"]), timestamp, duration)


def dtmf_relay_body(digit: DtmfDigit) -> bytes:
    return f"Signal={digit.digit}\r\nDuration={round(digit.duration * 1000)}\r\n".encode()
