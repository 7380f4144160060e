"""Prompt templates: `{{ slot }}`, `{{ var.caller }}`, `{{ slot | spell }}`.

Pure string work, no I/O. A name is a slot name, or `var.NAME` for a call variable (caller,
called, call_id, campaign contact fields, dialog `variables:` defaults). Filters make values
speakable: `spell` reads digits one by one, `last4` keeps the last four characters, `date` and
`time` read ISO values aloud, `iso` writes dates and times
as ISO 8601 (for callbacks and webhooks).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from voicebot.dialog.errors import TemplateError

_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")


@dataclass(frozen=True, slots=True)
class Placeholder:
    name: str  # "account_number" or "var.caller"
    filters: tuple[str, ...]
    start: int  # offset of "{{" in the template

    @property
    def is_variable(self) -> bool:
        return self.name.startswith("var.")


def _spell(value: Any) -> str:
    return " ".join(str(value))


def _last4(value: Any) -> str:
    return str(value)[-4:]


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _say_date(value: Any) -> str:
    try:
        day = _as_date(value)
    except ValueError:
        return str(value)
    return f"{day:%A}, {day:%B} {day.day}"


def _as_time(value: Any) -> dt.time:
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, dt.time):
        return value
    text = str(value)
    return (
        dt.datetime.fromisoformat(text).time()
        if "T" in text or " " in text
        else dt.time.fromisoformat(text)
    )


def _say_time(value: Any) -> str:
    try:
        moment = _as_time(value)
    except ValueError:
        return str(value)
    hour = moment.hour % 12 or 12
    suffix = "a m" if moment.hour < 12 else "p m"
    return f"{hour} {suffix}" if moment.minute == 0 else f"{hour} {moment.minute:02d} {suffix}"


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, (dt.date, dt.time)) else str(value)


FILTERS: dict[str, Callable[[Any], str]] = {
    "iso": _iso,
    "spell": _spell,
    "last4": _last4,
    "date": _say_date,
    "time": _say_time,
}


def placeholders(template: str) -> list[Placeholder]:
    """Every `{{ ... }}` in `template`; raises TemplateError for malformed ones."""
    found = []
    for match in _PLACEHOLDER.finditer(template):
        parts = [p.strip() for p in match.group(1).split("|")]
        name, filters = parts[0], tuple(parts[1:])
        if not _NAME.match(name):
            raise TemplateError(f"'{{{{{match.group(1)}}}}}' does not name a slot or var.NAME")
        for filter_name in filters:
            if filter_name not in FILTERS:
                known = ", ".join(sorted(FILTERS))
                raise TemplateError(f"unknown template filter '{filter_name}' (known: {known})")
        found.append(Placeholder(name, filters, match.start()))
    rest = _PLACEHOLDER.sub("", template)
    if "{{" in rest or "}}" in rest:
        raise TemplateError("unbalanced '{{' or '}}' in template")
    return found


def render(template: str, slots: Mapping[str, Any], variables: Mapping[str, Any]) -> str:
    """Fill placeholders; a slot or variable without a value renders as an empty string."""

    def fill(match: re.Match[str]) -> str:
        parts = [p.strip() for p in match.group(1).split("|")]
        name = parts[0]
        value = variables.get(name[4:]) if name.startswith("var.") else slots.get(name)
        if value is None:
            return ""
        for filter_name in parts[1:]:
            value = FILTERS[filter_name](value)
        return str(value)

    return " ".join(_PLACEHOLDER.sub(fill, template).split())


def is_static(template: str) -> bool:
    return not _PLACEHOLDER.search(template)
