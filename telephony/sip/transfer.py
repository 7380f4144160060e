"""What a blind transfer carries (REFER, RFC 3515) and how its progress comes back (NOTIFY with a
message/sipfrag body). Pure code.

The context rides twice: as `X-Voicebot-*` and `User-to-User` headers on the REFER itself, and as
URI headers inside Refer-To, which the transferee copies into its INVITE to the target (RFC 3261
§19.1.5) — so a PBX sees it whichever way it implements REFER.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import quote

from telephony.sip.uri import SipUri, parse_uri

UUI_MAX_BYTES = 128  # RFC 7433 §4.1: a UUI payload is at most 128 octets before encoding


def context_headers(context: Mapping[str, str]) -> list[tuple[str, str]]:
    """`X-Voicebot-Call-Id`, `-Intent`, `-Summary`, `-Slots` and the rest as `X-Voicebot-<Key>`,
    plus a hex-encoded User-to-User header (RFC 7433) with the call id and intent."""
    headers: list[tuple[str, str]] = []
    for key, value in context.items():
        name = "X-Voicebot-" + "-".join(
            part.capitalize() for part in key.replace("_", "-").split("-")
        )
        if key.lower() in ("call_id", "call-id", "callid"):
            name = "X-Voicebot-Call-Id"
        headers.append((name, _header_safe(str(value))))
    uui = user_to_user(context)
    if uui:
        headers.append(("User-to-User", uui))
    return headers


def slots_value(slots: Mapping[str, object]) -> str:
    """Slots as one header value: `name=value;name2=value2`, each part percent-encoded."""
    return ";".join(f"{quote(str(k), safe='')}={quote(str(v), safe='')}" for k, v in slots.items())


def user_to_user(context: Mapping[str, str]) -> str:
    """RFC 7433 UUI: compact JSON of call id and intent, hex-encoded, with its encoding and purpose."""
    core = {k: context[k] for k in ("call_id", "intent") if context.get(k)}
    if not core:
        return ""
    payload = json.dumps(core, separators=(",", ":")).encode()[:UUI_MAX_BYTES]
    return f"{payload.hex()};encoding=hex;purpose=voicebot;content=isdn-uui"


def decode_user_to_user(value: str) -> bytes:
    data, _, params = value.partition(";")
    if "encoding=hex" not in params.replace(" ", "").lower():
        raise ValueError(f"User-to-User {value[:40]!r} is not hex-encoded")
    return bytes.fromhex(data.strip())


def refer_to(target: SipUri, headers: list[tuple[str, str]]) -> str:
    """`<sip:agent@pbx?X-Voicebot-Intent=billing&...>`: the headers ride into the target's INVITE."""
    uri = SipUri(
        host=target.host,
        user=target.user,
        port=target.port,
        scheme=target.scheme,
        params=target.params,
        headers={**target.headers, **dict(headers)},
    )
    return f"<{uri}>"


def target_uri(target: str, default_host: str) -> SipUri:
    """A SIP URI as given, or `name` (a queue or extension) at the peer's host."""
    if target.startswith(("sip:", "sips:", "tel:")):
        return parse_uri(target)
    return SipUri(host=default_host, user=target)


def parse_sipfrag(body: bytes) -> tuple[int, str]:
    """`SIP/2.0 200 OK` -> (200, "OK"): the status line of a message/sipfrag NOTIFY body."""
    line = body.decode("utf-8", "replace").strip().split("\r\n")[0].split("\n")[0]
    parts = line.split(" ", 2)
    if len(parts) < 2 or parts[0] != "SIP/2.0" or not parts[1].isdigit():
        raise ValueError(f"not a sipfrag status line: {line[:60]!r}")
    return int(parts[1]), parts[2] if len(parts) > 2 else ""


def _header_safe(value: str) -> str:
    # header values are one line of UTF-8; control characters would end the header
    return " ".join(value.replace("\r", " ").replace("\n", " ").split())
