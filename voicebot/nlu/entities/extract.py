"""`extract_entity`: one slot value of a given type from what the caller said."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from voicebot.nlu.entities.amounts import extract_money, extract_number
from voicebot.nlu.entities.dates import extract_date, extract_datetime, extract_time, local_now
from voicebot.nlu.entities.fuzzy_lists import FuzzyList
from voicebot.nlu.entities.phone import extract_phone
from voicebot.nlu.entities.spoken_digits import spoken_digits
from voicebot.nlu.entities.yes_no import extract_yes_no
from voicebot.nlu.understanding import Entity

Extractor = Callable[[str, datetime, str, Mapping[str, Any]], tuple[Any, str] | None]


def _digits(
    text: str, now: datetime, tz: str, options: Mapping[str, Any]
) -> tuple[str, str] | None:
    digits = spoken_digits(text)
    if not digits:
        return None
    length = options.get("length")
    if length is not None and len(digits) != int(length):
        return None
    if len(digits) < int(options.get("min_length", 1)):
        return None
    if "max_length" in options and len(digits) > int(options["max_length"]):
        return None
    return digits, text.strip()


def _number(
    text: str, now: datetime, tz: str, options: Mapping[str, Any]
) -> tuple[Any, str] | None:
    return extract_number(text, options.get("min"), options.get("max"))


def _money(text: str, now: datetime, tz: str, options: Mapping[str, Any]) -> tuple[Any, str] | None:
    return extract_money(text, str(options.get("currency", "USD")).upper())


def _date(text: str, now: datetime, tz: str, options: Mapping[str, Any]) -> tuple[Any, str] | None:
    return extract_date(text, local_now(now, tz), str(options.get("prefer", "future")))


def _time(text: str, now: datetime, tz: str, options: Mapping[str, Any]) -> tuple[Any, str] | None:
    business_hours = bool(options.get("business_hours", True))
    return extract_time(text, local_now(now, tz), business_hours=business_hours)


def _datetime(
    text: str, now: datetime, tz: str, options: Mapping[str, Any]
) -> tuple[Any, str] | None:
    business_hours = bool(options.get("business_hours", True))
    return extract_datetime(text, local_now(now, tz), tz, business_hours=business_hours)


def _yes_no(
    text: str, now: datetime, tz: str, options: Mapping[str, Any]
) -> tuple[Any, str] | None:
    return extract_yes_no(text)


def _phone(text: str, now: datetime, tz: str, options: Mapping[str, Any]) -> tuple[Any, str] | None:
    return extract_phone(text, str(options.get("region", "US")), strict=bool(options.get("strict")))


def _enum(text: str, now: datetime, tz: str, options: Mapping[str, Any]) -> tuple[Any, str] | None:
    values = options.get("values")
    if not values:
        raise ValueError("slot type 'enum' needs options 'values': {canonical: [synonyms, ...]}")
    if not isinstance(values, Mapping):  # a plain list of values, no synonyms
        values = {str(value): [] for value in values}
    match = FuzzyList(values, cutoff=float(options.get("cutoff", 85.0))).find(text)
    return (match.value, match.text) if match else None


def _regex(text: str, now: datetime, tz: str, options: Mapping[str, Any]) -> tuple[Any, str] | None:
    pattern = options.get("pattern")
    if not pattern:
        raise ValueError("slot type 'regex' needs options 'pattern'")
    try:
        match = re.search(str(pattern), text, flags=re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"slot pattern {pattern!r} does not compile: {exc}") from exc
    if match is None:
        return None
    if "value" in match.groupdict():
        value = match.group("value")
    else:
        value = match.group(1) if match.groups() else match.group(0)
    return (value, match.group(0)) if value else None  # an optional group that did not match


def _text(text: str, now: datetime, tz: str, options: Mapping[str, Any]) -> tuple[Any, str] | None:
    stripped = text.strip()
    return (stripped, stripped) if stripped else None


EXTRACTORS: dict[str, Extractor] = {
    "digits": _digits,
    "number": _number,
    "money": _money,
    "date": _date,
    "time": _time,
    "datetime": _datetime,
    "yes_no": _yes_no,
    "phone": _phone,
    "enum": _enum,
    "regex": _regex,
    "text": _text,
}


def extract_entity(
    slot_type: str,
    text: str,
    *,
    now: datetime,
    tz: str = "UTC",
    options: Mapping[str, Any] | None = None,
) -> Entity | None:
    """The value of one slot type in `text`, or None when the text holds none (or one outside the
    bounds in `options`). Dates and times are relative to `now` as seen in time zone `tz`.

    Values: digits -> str "4566"; number -> int or Decimal; money -> Money(amount, currency);
    date -> datetime.date; time -> datetime.time; datetime -> aware datetime in `tz`;
    yes_no -> "yes" | "no"; phone -> E.164 str; enum -> canonical str; regex -> str (group
    "value", else group 1, else the whole match); text -> the stripped text.
    The entity's `text` is the words the value was read from (after number words became digits);
    `start`/`end` span the whole input.
    """
    extractor = EXTRACTORS.get(slot_type)
    if extractor is None:
        known = ", ".join(sorted(EXTRACTORS))
        raise ValueError(f"unknown slot type {slot_type!r}; known types: {known}")
    found = extractor(text, now, tz, options or {})
    if found is None:
        return None
    value, source = found
    return Entity(type=slot_type, value=value, text=source, start=0, end=len(text))


def warm_up() -> None:
    """Load dateparser's language data now (about 0.2 s once per process), so that the first
    caller who says a date does not wait for it."""
    reference = datetime(2026, 1, 1, 12, 0)
    extract_entity("datetime", "next tuesday at 3 pm", now=reference)
