"""SDP (RFC 4566) and the offer/answer model (RFC 3264) for G.711 audio with RFC 4733 DTMF.

Pure code: `parse_sdp(bytes) -> SessionDescription`, `bytes(sd)`, and `negotiate(offer, ...)`, which
either returns the answer with the media parameters it settled on or raises SdpNegotiationError
(answer 488 Not Acceptable Here).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace

STATIC_PAYLOAD_TYPES = {0: ("PCMU", 8000), 8: ("PCMA", 8000)}
DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")
_MIRROR = {
    "sendrecv": "sendrecv",
    "sendonly": "recvonly",
    "recvonly": "sendonly",
    "inactive": "inactive",
}


class SdpError(ValueError):
    """Text that is not a valid session description."""


class SdpNegotiationError(ValueError):
    """The offer has nothing we can accept; answer 488 with `reason` in a Warning header."""


@dataclass(frozen=True, slots=True)
class Origin:
    username: str = "-"
    session_id: str = "0"
    session_version: str = "0"
    address: str = "0.0.0.0"
    address_type: str = "IP4"

    def __str__(self) -> str:
        return f"{self.username} {self.session_id} {self.session_version} IN {self.address_type} {self.address}"


@dataclass(frozen=True, slots=True)
class MediaDescription:
    media: str
    port: int
    proto: str
    formats: tuple[str, ...]
    connection: str | None = None  # the address of a `c=` line inside the media section
    attributes: tuple[tuple[str, str | None], ...] = ()
    other_lines: tuple[str, ...] = ()  # i=, b=, k= lines, kept verbatim

    def attribute(self, name: str) -> str | None:
        return next((v for n, v in self.attributes if n == name), None)

    def has_attribute(self, name: str) -> bool:
        return any(n == name for n, _ in self.attributes)

    @property
    def direction(self) -> str:
        return next((n for n, _ in self.attributes if n in DIRECTIONS), "sendrecv")

    def rtpmap(self) -> dict[int, tuple[str, int]]:
        """payload type -> (encoding name, clock rate), static types filled in (RFC 3551)."""
        mapping: dict[int, tuple[str, int]] = {}
        for fmt in self.formats:
            if fmt.isdigit() and int(fmt) in STATIC_PAYLOAD_TYPES:
                mapping[int(fmt)] = STATIC_PAYLOAD_TYPES[int(fmt)]
        for name, value in self.attributes:
            if name == "rtpmap" and value:
                pt, _, encoding = value.partition(" ")
                parts = encoding.split("/")
                if pt.isdigit() and len(parts) >= 2 and parts[1].isdigit():
                    mapping[int(pt)] = (parts[0], int(parts[1]))
        return mapping

    def __str__(self) -> str:
        lines = [f"m={self.media} {self.port} {self.proto} {' '.join(self.formats)}"]
        lines.extend(self.other_lines)
        if self.connection:
            lines.append(f"c=IN {_address_type(self.connection)} {self.connection}")
        lines.extend(f"a={n}" if v is None else f"a={n}:{v}" for n, v in self.attributes)
        return "\r\n".join(lines)


@dataclass(frozen=True, slots=True)
class SessionDescription:
    origin: Origin
    session_name: str = "-"
    connection: str | None = None
    timing: str = "0 0"
    attributes: tuple[tuple[str, str | None], ...] = ()
    media: tuple[MediaDescription, ...] = ()
    other_lines: tuple[str, ...] = ()  # i=, u=, e=, p=, b=, r=, z=, k= at session level

    def __bytes__(self) -> bytes:
        lines = ["v=0", f"o={self.origin}", f"s={self.session_name}", *self.other_lines]
        if self.connection:
            lines.append(f"c=IN {_address_type(self.connection)} {self.connection}")
        lines.append(f"t={self.timing}")
        lines.extend(f"a={n}" if v is None else f"a={n}:{v}" for n, v in self.attributes)
        lines.extend(str(m) for m in self.media)
        return ("\r\n".join(lines) + "\r\n").encode()

    @property
    def direction(self) -> str:
        return next((n for n, _ in self.attributes if n in DIRECTIONS), "sendrecv")


def _address_type(address: str) -> str:
    return "IP6" if ":" in address else "IP4"


def _parse_attribute(value: str) -> tuple[str, str | None]:
    name, sep, rest = value.partition(":")
    return (name, rest if sep else None)


def parse_sdp(data: bytes | str) -> SessionDescription:
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    if not lines or lines[0].strip() != "v=0":
        raise SdpError("SDP must start with v=0")
    origin: Origin | None = None
    session: dict[str, object] = {"attributes": [], "other": [], "connection": None}
    media: list[dict[str, object]] = []
    session_name, timing = "-", "0 0"
    for line in lines[1:]:
        if len(line) < 2 or line[1] != "=":
            raise SdpError(f"malformed SDP line {line[:60]!r}")
        kind, value = line[0], line[2:].strip()
        target = media[-1] if media else session
        if kind == "o":
            parts = value.split()
            if len(parts) != 6:
                raise SdpError(f"o= line needs 6 fields: {value!r}")
            origin = Origin(parts[0], parts[1], parts[2], parts[5], parts[4])
        elif kind == "s":
            session_name = value or "-"
        elif kind == "t":
            timing = value
        elif kind == "c":
            parts = value.split()
            if len(parts) != 3 or parts[0] != "IN":
                raise SdpError(f"c= line needs 'IN IP4 address': {value!r}")
            target["connection"] = parts[2].split("/")[0]
        elif kind == "m":
            parts = value.split()
            port_text = parts[1].split("/")[0] if len(parts) > 1 else ""
            if len(parts) < 4 or not port_text.isdigit() or int(port_text) > 65535:
                raise SdpError(f"m= line needs 'media port proto formats...': {value!r}")
            media.append(
                {
                    "media": parts[0],
                    "port": int(port_text),
                    "proto": parts[2],
                    "formats": tuple(parts[3:]),
                    "connection": None,
                    "attributes": [],
                    "other": [],
                }
            )
        elif kind == "a":
            target["attributes"].append(_parse_attribute(value))  # type: ignore[union-attr]
        else:
            target["other"].append(line.strip())  # type: ignore[union-attr]
    if origin is None:
        raise SdpError("SDP has no o= line")
    return SessionDescription(
        origin=origin,
        session_name=session_name,
        connection=session["connection"],  # type: ignore[arg-type]
        timing=timing,
        attributes=tuple(session["attributes"]),  # type: ignore[arg-type]
        media=tuple(
            MediaDescription(
                media=m["media"],  # type: ignore[arg-type]
                port=m["port"],  # type: ignore[arg-type]
                proto=m["proto"],  # type: ignore[arg-type]
                formats=m["formats"],  # type: ignore[arg-type]
                connection=m["connection"],  # type: ignore[arg-type]
                attributes=tuple(m["attributes"]),  # type: ignore[arg-type]
                other_lines=tuple(m["other"]),  # type: ignore[arg-type]
            )
            for m in media
        ),
        other_lines=tuple(session["other"]),  # type: ignore[arg-type]
    )


@dataclass(frozen=True, slots=True)
class MediaParams:
    """What offer/answer settled on, from our side: where to send, which codec, which direction."""

    remote_address: str
    remote_port: int
    codec: str  # "PCMU" or "PCMA"
    payload_type: int
    clock_rate: int
    telephone_event_pt: int | None
    ptime_ms: int
    direction: str  # ours: "sendrecv", "sendonly" (peer put us on hold), "recvonly", "inactive"
    on_hold: bool

    @property
    def can_send(self) -> bool:
        return self.direction in ("sendrecv", "sendonly") and self.remote_address != "0.0.0.0"

    @property
    def can_receive(self) -> bool:
        return self.direction in ("sendrecv", "recvonly")


@dataclass(frozen=True, slots=True)
class Negotiation:
    answer: SessionDescription
    media: MediaParams


@dataclass(slots=True)
class SdpSession:
    """Our o= line across a dialog: the version must grow with every new description (RFC 3264 §8)."""

    address: str
    session_id: str = field(default_factory=lambda: str(secrets.randbelow(2**31)))
    version: int = 0

    def next_origin(self) -> Origin:
        self.version += 1
        return Origin(
            "voicebot",
            self.session_id,
            str(self.version),
            self.address,
            _address_type(self.address),
        )


def negotiate(
    offer: SessionDescription,
    *,
    local_ip: str,
    local_port: int,
    supported: tuple[str, ...] = ("PCMU", "PCMA"),
    session: SdpSession | None = None,
    ptime_ms: int = 20,
) -> Negotiation:
    """Answer `offer`: the first offered codec we support, telephone-event echoed with the offer's
    payload type, the direction mirrored. Other media sections are refused with port 0."""
    session = session or SdpSession(local_ip)
    chosen: tuple[int, MediaParams, MediaDescription] | None = None
    answered: list[MediaDescription] = []
    reasons: list[str] = []
    for index, m in enumerate(offer.media):
        if chosen is None and m.media == "audio" and m.port != 0:
            picked = _pick_audio(m, offer, supported, ptime_ms, reasons)
            if picked is not None:
                chosen = (index, picked, m)
                answered.append(_answer_media(m, picked, local_ip, local_port))
                continue
        answered.append(MediaDescription(m.media, 0, m.proto, m.formats[:1]))
    if chosen is None:
        detail = "; ".join(reasons) or "no audio stream offered"
        raise SdpNegotiationError(f"no acceptable audio: {detail}")
    answer = SessionDescription(
        origin=session.next_origin(),
        session_name="voicebot",
        connection=local_ip,
        media=tuple(answered),
    )
    return Negotiation(answer, chosen[1])


def negotiate_answer(
    offer: SessionDescription, *, local_ip: str, local_port: int, **options
) -> SessionDescription:
    return negotiate(offer, local_ip=local_ip, local_port=local_port, **options).answer


def _pick_audio(
    m: MediaDescription,
    offer: SessionDescription,
    supported: tuple[str, ...],
    ptime_ms: int,
    reasons: list[str],
) -> MediaParams | None:
    if m.proto.upper() not in ("RTP/AVP", "RTP/AVPF"):
        reasons.append(f"transport {m.proto} is not RTP/AVP")
        return None
    rtpmap = m.rtpmap()
    wanted = {name.upper() for name in supported}
    codec = next(
        (
            (int(f), rtpmap[int(f)])
            for f in m.formats
            if f.isdigit()
            and int(f) in rtpmap
            and rtpmap[int(f)][0].upper() in wanted
            and rtpmap[int(f)][1] == 8000
        ),
        None,
    )
    if codec is None:
        offered = [rtpmap.get(int(f), (f, 0))[0] for f in m.formats if f.isdigit()]
        reasons.append(f"offered {', '.join(offered) or 'nothing'}, we take {', '.join(supported)}")
        return None
    event_pt = next(
        (
            pt
            for pt, (name, rate) in rtpmap.items()
            if name.lower() == "telephone-event" and rate == 8000
        ),
        None,
    )
    address = m.connection or offer.connection
    if not address:
        reasons.append("no c= line")
        return None
    offered_direction = m.direction if m.direction != "sendrecv" else offer.direction
    legacy_hold = address in ("0.0.0.0", "::")
    if legacy_hold and offered_direction == "sendrecv":
        offered_direction = "sendonly"  # RFC 2543 hold: c=0.0.0.0 means "do not send to me"
    ptime_text = m.attribute("ptime")
    ptime = (
        int(ptime_text)
        if ptime_text and ptime_text.isdigit() and 10 <= int(ptime_text) <= 60
        else ptime_ms
    )
    direction = _MIRROR[offered_direction]
    return MediaParams(
        remote_address=address,
        remote_port=m.port,
        codec=codec[1][0].upper(),
        payload_type=codec[0],
        clock_rate=codec[1][1],
        telephone_event_pt=event_pt,
        ptime_ms=ptime,
        direction=direction,
        on_hold=offered_direction in ("sendonly", "inactive") or legacy_hold,
    )


def _answer_media(
    offered: MediaDescription, params: MediaParams, local_ip: str, local_port: int
) -> MediaDescription:
    formats = [str(params.payload_type)]
    attributes: list[tuple[str, str | None]] = [
        ("rtpmap", f"{params.payload_type} {params.codec}/8000")
    ]
    if params.telephone_event_pt is not None:
        formats.append(str(params.telephone_event_pt))
        attributes.append(("rtpmap", f"{params.telephone_event_pt} telephone-event/8000"))
        attributes.append(("fmtp", f"{params.telephone_event_pt} 0-16"))
    attributes.append(("ptime", str(params.ptime_ms)))
    attributes.append((params.direction, None))
    return MediaDescription(
        "audio", local_port, offered.proto, tuple(formats), None, tuple(attributes)
    )


def make_offer(
    *,
    local_ip: str,
    local_port: int,
    session: SdpSession | None = None,
    codecs: tuple[str, ...] = ("PCMU", "PCMA"),
    telephone_event_pt: int = 101,
    direction: str = "sendrecv",
    ptime_ms: int = 20,
) -> SessionDescription:
    """Our offer for an outgoing call or a re-INVITE (hold: direction="sendonly")."""
    session = session or SdpSession(local_ip)
    static = {name: pt for pt, (name, _) in STATIC_PAYLOAD_TYPES.items()}
    formats = [str(static[c]) for c in codecs] + [str(telephone_event_pt)]
    attributes: list[tuple[str, str | None]] = [("rtpmap", f"{static[c]} {c}/8000") for c in codecs]
    attributes += [
        ("rtpmap", f"{telephone_event_pt} telephone-event/8000"),
        ("fmtp", f"{telephone_event_pt} 0-16"),
        ("ptime", str(ptime_ms)),
        (direction, None),
    ]
    media = MediaDescription(
        "audio", local_port, "RTP/AVP", tuple(formats), None, tuple(attributes)
    )
    return SessionDescription(session.next_origin(), "voicebot", local_ip, media=(media,))


def accept_answer(offer: SessionDescription, answer: SessionDescription) -> MediaParams:
    """The media parameters for a call we offered, from the peer's answer."""
    reasons: list[str] = []
    supported = tuple(name for m in offer.media[:1] for name, _ in m.rtpmap().values())
    for m in answer.media:
        if m.media == "audio" and m.port != 0:
            picked = _pick_audio(m, answer, supported, 20, reasons)
            if picked is not None:
                return picked
    raise SdpNegotiationError(
        "answer accepts no audio: " + ("; ".join(reasons) or "all streams refused")
    )


def with_direction(description: SessionDescription, direction: str) -> SessionDescription:
    """A copy whose first audio section carries `direction` (for hold and resume offers)."""
    media = list(description.media)
    for index, m in enumerate(media):
        if m.media == "audio":
            attrs = tuple((n, v) for n, v in m.attributes if n not in DIRECTIONS) + (
                (direction, None),
            )
            media[index] = replace(m, attributes=attrs)
            break
    return replace(description, media=tuple(media))
