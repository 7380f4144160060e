"""SIP URIs (RFC 3261 §19.1), name-addr values (From, To, Contact, Refer-To) and Via values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from urllib.parse import quote, unquote

from telephony.sip.errors import SipParseError

_TOKEN = re.compile(r"^[A-Za-z0-9\-.!%*_+`'~]+$")
_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-.]+)$")


def parse_params(text: str) -> dict[str, str | None]:
    """`;tag=1;lr;x="a;b"` -> {"tag": "1", "lr": None, "x": '"a;b"'}; names lower-cased."""
    params: dict[str, str | None] = {}
    for part in _split_outside_quotes(text, ";"):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.partition("=")
        name = name.strip().lower()
        if not name:
            raise SipParseError(f"parameter without a name in {text!r}")
        params[name] = value.strip() if sep else None
    return params


def format_params(params: dict[str, str | None]) -> str:
    return "".join(f";{k}" if v is None else f";{k}={v}" for k, v in params.items())


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    in_quotes = False
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\" and in_quotes:
            escaped = True
        elif char == '"':
            in_quotes = not in_quotes
        elif char == sep and not in_quotes:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    if in_quotes:
        raise SipParseError(f"unterminated quoted string in {text!r}")
    parts.append("".join(current))
    return parts


@dataclass(frozen=True, slots=True)
class SipUri:
    """sip:user:password@host:port;params?headers. `headers` are the escaped `?h=v` pairs."""

    host: str
    user: str | None = None
    password: str | None = None
    port: int | None = None
    scheme: str = "sip"
    params: dict[str, str | None] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        text = f"{self.scheme}:"
        if self.user is not None:
            text += self.user
            if self.password is not None:
                text += f":{self.password}"
            text += "@"
        text += self.host
        if self.port is not None:
            text += f":{self.port}"
        text += format_params(self.params)
        if self.headers:
            text += "?" + "&".join(
                f"{quote(k, safe='-_.!~*()')}={quote(v, safe='-_.!~*()')}"
                for k, v in self.headers.items()
            )
        return text

    @property
    def transport(self) -> str:
        return (self.params.get("transport") or "udp").lower()

    def with_params(self, **params: str | None) -> SipUri:
        return replace(self, params={**self.params, **params})


@lru_cache(
    maxsize=4096
)  # the same From/To/Via text is read many times per call; results are never mutated
def parse_uri(text: str) -> SipUri:
    text = text.strip()
    scheme, colon, rest = text.partition(":")
    scheme = scheme.lower()
    if not colon or scheme not in ("sip", "sips", "tel"):
        raise SipParseError(f"not a sip/sips/tel URI: {text!r}")
    if scheme == "tel":
        number, _, params = rest.partition(";")
        return SipUri(host=number, scheme="tel", params=parse_params(params))
    rest, _, header_text = rest.partition("?")
    user: str | None = None
    password: str | None = None
    if "@" in rest:
        userinfo, _, rest = rest.rpartition("@")
        user, sep, pw = userinfo.partition(":")
        password = pw if sep else None
        if not user:
            raise SipParseError(f"empty user part in {text!r}")
    hostport, _, param_text = rest.partition(";")
    host, port = _parse_hostport(hostport, text)
    headers: dict[str, str] = {}
    for pair in filter(None, header_text.split("&")):
        name, _, value = pair.partition("=")
        headers[unquote(name)] = unquote(value)
    return SipUri(
        host=host,
        user=user,
        password=password,
        port=port,
        scheme=scheme,
        params=parse_params(param_text),
        headers=headers,
    )


def _parse_hostport(hostport: str, context: str) -> tuple[str, int | None]:
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0:
            raise SipParseError(f"unterminated IPv6 reference in {context!r}")
        host, port_text = hostport[: end + 1], hostport[end + 1 :]
        port_text = port_text.removeprefix(":") if port_text.startswith(":") else port_text
        if port_text and not hostport[end + 1 :].startswith(":"):
            raise SipParseError(f"junk after IPv6 host in {context!r}")
    else:
        host, _, port_text = hostport.partition(":")
    if not host or not _HOST.match(host):
        raise SipParseError(f"invalid host {host!r} in {context!r}")
    port: int | None = None
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise SipParseError(f"invalid port {port_text!r} in {context!r}")
        port = int(port_text)
    return host.lower(), port


@dataclass(frozen=True, slots=True)
class NameAddr:
    """`"Alice" <sip:alice@example.com>;tag=1928301774` — the value of From, To, Contact, Refer-To."""

    uri: SipUri
    display_name: str | None = None
    params: dict[str, str | None] = field(default_factory=dict)

    @property
    def tag(self) -> str | None:
        return self.params.get("tag")

    def with_tag(self, tag: str) -> NameAddr:
        return replace(self, params={**self.params, "tag": tag})

    def __str__(self) -> str:
        escaped = (self.display_name or "").replace("\\", "\\\\").replace('"', '\\"')
        name = f'"{escaped}" ' if self.display_name is not None else ""
        return f"{name}<{self.uri}>{format_params(self.params)}"


@lru_cache(
    maxsize=4096
)  # the same From/To/Via text is read many times per call; results are never mutated
def parse_name_addr(text: str) -> NameAddr:
    text = text.strip()
    display: str | None = None
    if text.startswith('"'):
        end = 1
        while end < len(text) and text[end] != '"':
            end += 2 if text[end] == "\\" else 1
        if end >= len(text):
            raise SipParseError(f"unterminated display name in {text!r}")
        display = re.sub(r"\\(.)", r"\1", text[1:end])
        text = text[end + 1 :].strip()
    if "<" in text:
        before, _, after = text.partition("<")
        if display is None and before.strip():
            display = before.strip()
        uri_text, closed, param_text = after.partition(">")
        if not closed:
            raise SipParseError(f"missing '>' in {text!r}")
        return NameAddr(parse_uri(uri_text), display, parse_params(param_text))
    if display is not None:
        raise SipParseError(f"display name without <uri> in {text!r}")
    # addr-spec form: parameters after the URI belong to the header, not the URI (§20.10)
    uri_text, _, param_text = text.partition(";")
    return NameAddr(parse_uri(uri_text), None, parse_params(param_text))


@dataclass(frozen=True, slots=True)
class Via:
    """`SIP/2.0/UDP host:port;branch=z9hG4bK...;rport`."""

    transport: str
    host: str
    port: int | None = None
    params: dict[str, str | None] = field(default_factory=dict)

    @property
    def branch(self) -> str | None:
        return self.params.get("branch")

    @property
    def sent_by(self) -> tuple[str, int]:
        default = 5061 if self.transport == "TLS" else 5060
        return self.host, self.port or default

    def __str__(self) -> str:
        port = f":{self.port}" if self.port is not None else ""
        return f"SIP/2.0/{self.transport} {self.host}{port}{format_params(self.params)}"


_VIA = re.compile(r"^\s*SIP\s*/\s*2\.0\s*/\s*([A-Za-z]+)\s+([^;]+?)\s*(;.*)?$", re.DOTALL)


@lru_cache(
    maxsize=4096
)  # the same From/To/Via text is read many times per call; results are never mutated
def parse_via(text: str) -> Via:
    """One Via value; linear whitespace around `/`, `;` and `=` is allowed (RFC 3261 §25.1)."""
    match = _VIA.match(text)
    if match is None:
        raise SipParseError(f"bad Via value {text[:80]!r}")
    transport, sent_by, param_text = match.groups()
    host, port = _parse_hostport(sent_by.replace(" ", ""), text)
    return Via(transport.upper(), host, port, parse_params(param_text or ""))


def is_token(text: str) -> bool:
    return bool(_TOKEN.match(text))
