"""What the page sends and receives on its data channels (pure parsing, no I/O).

Channel "dtmf": one keypad key per message ("0"-"9", "*", "#", "A"-"D").
Channel "control": JSON objects; {"type": "hangup"} in either direction ends the call.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from telephony.webrtc.errors import DataChannelMessageError

DTMF_CHANNEL = "dtmf"
CONTROL_CHANNEL = "control"
DTMF_KEYS = frozenset("0123456789*#ABCD")


@dataclass(frozen=True, slots=True)
class ControlMessage:
    type: str
    reason: str = ""

    def to_json(self) -> str:
        body = {"type": self.type}
        if self.reason:
            body["reason"] = self.reason
        return json.dumps(body)


def parse_dtmf(message: str | bytes) -> str:
    """The key a "dtmf" channel message carries."""
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    key = text.strip().upper()
    if key not in DTMF_KEYS:
        raise DataChannelMessageError(
            f"not a keypad key: {text[:20]!r} (expected one of 0-9 * # A-D)"
        )
    return key


def parse_control(message: str | bytes) -> ControlMessage:
    """A "control" channel message; only {"type": "hangup"} is defined."""
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataChannelMessageError(f"control message is not JSON: {text[:40]!r}") from exc
    if not isinstance(body, dict) or body.get("type") != "hangup":
        raise DataChannelMessageError(
            f'unknown control message {text[:60]!r}; expected {{"type": "hangup"}}'
        )
    return ControlMessage("hangup", str(body.get("reason", "")))
