"""HTTP digest authentication for SIP (RFC 3261 §22, RFC 2617, RFC 7616: MD5 and SHA-256).

`authorization(...)` answers a challenge as a client (REGISTER to a PBX, INVITE through a trunk);
`InboundAuth` challenges requests from sources outside the allow-list and checks the answers.
Nonces are stateless: a timestamp signed with a per-process secret, valid for `nonce_ttl` seconds.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from telephony.sip.headers import split_list
from telephony.sip.message import SipRequest

_HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


class DigestError(ValueError):
    """A challenge or credentials we cannot use."""


def parse_digest(value: str) -> dict[str, str]:
    """`Digest realm="a", nonce="b", qop="auth,auth-int"` -> {"realm": "a", ...}; names lower-cased."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "digest":
        raise DigestError(f"not a Digest challenge: {value[:40]!r}")
    params: dict[str, str] = {}
    for item in split_list(rest):
        name, sep, raw = item.partition("=")
        if not sep:
            raise DigestError(f"digest parameter without value: {item[:40]!r}")
        raw = raw.strip()
        if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
            raw = raw[1:-1].replace('\\"', '"')
        params[name.strip().lower()] = raw
    return params


def _hasher(algorithm: str) -> Callable[[str], str]:
    base = algorithm.upper().removesuffix("-SESS")
    if base not in _HASHES:
        raise DigestError(f"unsupported digest algorithm {algorithm!r}")
    return lambda text: _HASHES[base](text.encode()).hexdigest()


def digest_response(
    *,
    algorithm: str,
    username: str,
    realm: str,
    password: str,
    method: str,
    uri: str,
    nonce: str,
    qop: str | None,
    nc: str,
    cnonce: str,
    body: bytes = b"",
) -> str:
    h = _hasher(algorithm)
    ha1 = h(f"{username}:{realm}:{password}")
    if algorithm.upper().endswith("-SESS"):
        ha1 = h(f"{ha1}:{nonce}:{cnonce}")
    ha2 = (
        h(f"{method}:{uri}:{h(body.decode('latin-1'))}")
        if qop == "auth-int"
        else h(f"{method}:{uri}")
    )
    if qop:
        return h(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")
    return h(f"{ha1}:{nonce}:{ha2}")


def authorization(
    challenge: str,
    *,
    method: str,
    uri: str,
    username: str,
    password: str,
    nc: int = 1,
    cnonce: str | None = None,
    body: bytes = b"",
) -> str:
    """The Authorization / Proxy-Authorization value answering one WWW-/Proxy-Authenticate value."""
    params = parse_digest(challenge)
    if "realm" not in params or "nonce" not in params:
        raise DigestError("challenge lacks realm or nonce")
    algorithm = params.get("algorithm", "MD5")
    offered = [q.strip() for q in params.get("qop", "").split(",") if q.strip()]
    qop = "auth" if "auth" in offered else ("auth-int" if "auth-int" in offered else None)
    cnonce = cnonce or secrets.token_hex(8)
    nc_text = f"{nc:08x}"
    response = digest_response(
        algorithm=algorithm,
        username=username,
        realm=params["realm"],
        password=password,
        method=method,
        uri=uri,
        nonce=params["nonce"],
        qop=qop,
        nc=nc_text,
        cnonce=cnonce,
        body=body,
    )
    parts = [
        f'username="{username}"',
        f'realm="{params["realm"]}"',
        f'nonce="{params["nonce"]}"',
        f'uri="{uri}"',
        f'response="{response}"',
        f"algorithm={algorithm}",
    ]
    if qop:
        parts += [f"qop={qop}", f"nc={nc_text}", f'cnonce="{cnonce}"']
    if "opaque" in params:
        parts.append(f'opaque="{params["opaque"]}"')
    return "Digest " + ", ".join(parts)


@dataclass(frozen=True, slots=True)
class AuthVerdict:
    ok: bool
    challenges: tuple[str, ...] = ()  # WWW-Authenticate values for the 401
    username: str | None = None


class InboundAuth:
    """Digest checks for requests from outside the allow-list. `users` maps user name -> password."""

    def __init__(
        self,
        realm: str,
        users: Mapping[str, str],
        now: Callable[[], float],
        *,
        nonce_ttl: float = 300.0,
        algorithms: tuple[str, ...] = ("SHA-256", "MD5"),
    ) -> None:
        self.realm = realm
        self._users = dict(users)
        self._now = now
        self._ttl = nonce_ttl
        self._algorithms = algorithms
        self._secret = secrets.token_bytes(16)

    def _nonce(self) -> str:
        stamp = f"{self._now():.3f}"
        signature = hmac.new(self._secret, stamp.encode(), hashlib.sha256).hexdigest()[:24]
        return f"{stamp}-{signature}"

    def _nonce_fresh(self, nonce: str) -> bool:
        stamp, _, signature = nonce.partition("-")
        expected = hmac.new(self._secret, stamp.encode(), hashlib.sha256).hexdigest()[:24]
        try:
            age = self._now() - float(stamp)
        except ValueError:
            return False
        return hmac.compare_digest(signature, expected) and 0 <= age <= self._ttl

    def challenges(self, stale: bool = False) -> tuple[str, ...]:
        nonce = self._nonce()
        extra = ", stale=true" if stale else ""
        return tuple(
            f'Digest realm="{self.realm}", nonce="{nonce}", algorithm={a}, qop="auth"{extra}'
            for a in self._algorithms
        )

    def check(self, request: SipRequest) -> AuthVerdict:
        header = request.headers.get("Authorization")
        if header is None:
            return AuthVerdict(False, self.challenges())
        try:
            params = parse_digest(header)
            algorithm = params.get("algorithm", "MD5")
            username = params["username"]
            nonce = params["nonce"]
            password = self._users.get(username)
            if password is None or params.get("realm") != self.realm:
                return AuthVerdict(False, self.challenges())
            if not self._nonce_fresh(nonce):
                return AuthVerdict(False, self.challenges(stale=True))
            expected = digest_response(
                algorithm=algorithm,
                username=username,
                realm=self.realm,
                password=password,
                method=request.method,
                uri=params["uri"],
                nonce=nonce,
                qop=params.get("qop"),
                nc=params.get("nc", ""),
                cnonce=params.get("cnonce", ""),
                body=request.body,
            )
        except (DigestError, KeyError):
            return AuthVerdict(False, self.challenges())
        if hmac.compare_digest(expected, params.get("response", "")):
            return AuthVerdict(True, username=username)
        return AuthVerdict(False, self.challenges())
