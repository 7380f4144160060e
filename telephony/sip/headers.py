"""SIP header names and values (RFC 3261 §7.3, §20): compact forms, canonical spelling,
case-insensitive lookup and comma splitting only where the grammar allows a list."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

COMPACT_FORMS = {
    "i": "Call-ID",
    "m": "Contact",
    "f": "From",
    "t": "To",
    "v": "Via",
    "l": "Content-Length",
    "c": "Content-Type",
    "k": "Supported",
    "s": "Subject",
    "e": "Content-Encoding",
    "o": "Event",
    "u": "Allow-Events",
    "r": "Refer-To",
    "b": "Referred-By",
    "x": "Session-Expires",
    "y": "Identity",
    "a": "Accept-Contact",
    "j": "Reject-Contact",
    "d": "Request-Disposition",
}

# Spellings that str.title() gets wrong.
_SPECIAL_SPELLING = {
    "call-id": "Call-ID",
    "cseq": "CSeq",
    "www-authenticate": "WWW-Authenticate",
    "mime-version": "MIME-Version",
    "rack": "RAck",
    "rseq": "RSeq",
    "user-to-user": "User-to-User",
    "sip-etag": "SIP-ETag",
    "sip-if-match": "SIP-If-Match",
}

# Headers whose grammar is `#element`: a comma separates values (RFC 3261 §7.3.1). Others, such as
# WWW-Authenticate or Date, contain commas that are not separators.
LIST_HEADERS = frozenset(
    {
        "via",
        "contact",
        "route",
        "record-route",
        "allow",
        "supported",
        "require",
        "proxy-require",
        "unsupported",
        "accept",
        "accept-encoding",
        "accept-language",
        "allow-events",
        "content-encoding",
        "content-language",
        "in-reply-to",
        "warning",
        "call-info",
        "alert-info",
        "error-info",
        "reason",
        "p-asserted-identity",
        "path",
        "service-route",
    }
)


@lru_cache(maxsize=1024)  # header names repeat endlessly; this is the parser's hottest call
def canonical_name(name: str) -> str:
    """`i` -> `Call-ID`, `content-length` -> `Content-Length`, `X-Foo` stays `X-Foo`."""
    lower = name.strip().lower()
    if lower in COMPACT_FORMS:
        return COMPACT_FORMS[lower]
    if lower in _SPECIAL_SPELLING:
        return _SPECIAL_SPELLING[lower]
    return "-".join(part[:1].upper() + part[1:] for part in lower.split("-"))


def split_list(value: str) -> list[str]:
    """Split `a, "b,c" <sip:x>, <sip:y;p=1,2>` at commas outside quotes and angle brackets."""
    return list(_split_list(value))


@lru_cache(maxsize=4096)  # Via and Contact values are split again at every lookup
def _split_list(value: str) -> tuple[str, ...]:
    items: list[str] = []
    start = 0
    in_quotes = False
    in_angle = False
    escaped = False
    for index, char in enumerate(value):
        if escaped:
            escaped = False
        elif in_quotes:
            if char == "\\":
                escaped = True
            elif char == '"':
                in_quotes = False
        elif char == '"':
            in_quotes = True
        elif char == "<":
            in_angle = True
        elif char == ">":
            in_angle = False
        elif char == "," and not in_angle:
            items.append(value[start:index].strip())
            start = index + 1
    items.append(value[start:].strip())
    return tuple(item for item in items if item)


class Headers:
    """Ordered header fields; names compared case-insensitively with compact forms expanded.

    Each field keeps the name as written, so a message serializes back the way it arrived.
    """

    __slots__ = ("_fields",)

    def __init__(self, fields: list[tuple[str, str]] | None = None) -> None:
        self._fields: list[tuple[str, str]] = list(fields or [])

    @staticmethod
    @lru_cache(maxsize=1024)
    def _key(name: str) -> str:
        return canonical_name(name).lower()

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and any(
            self._key(n) == self._key(name) for n, _ in self._fields
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Headers) and self._fields == other._fields

    def __repr__(self) -> str:
        return f"Headers({self._fields!r})"

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first field's whole value (not split at commas)."""
        key = self._key(name)
        for field_name, value in self._fields:
            if self._key(field_name) == key:
                return value
        return default

    def get_all(self, name: str) -> list[str]:
        """Every value of `name`, list headers split into their elements, in order."""
        key = self._key(name)
        values: list[str] = []
        for field_name, value in self._fields:
            if self._key(field_name) == key:
                values.extend(_split_list(value) if key in LIST_HEADERS else (value,))
        return values

    def add(self, name: str, value: str) -> None:
        self._fields.append((name, value))

    def prepend(self, name: str, value: str) -> None:
        self._fields.insert(0, (name, value))

    def set(self, name: str, value: str) -> None:
        """Replace every field of `name` by one field, at the first one's position."""
        key = self._key(name)
        for index, (field_name, _) in enumerate(self._fields):
            if self._key(field_name) == key:
                self._fields[index] = (field_name, value)
                self._fields = [
                    f for i, f in enumerate(self._fields) if i <= index or self._key(f[0]) != key
                ]
                return
        self._fields.append((canonical_name(name), value))

    def remove(self, name: str) -> None:
        key = self._key(name)
        self._fields = [f for f in self._fields if self._key(f[0]) != key]

    def copy(self) -> Headers:
        return Headers(self._fields)
