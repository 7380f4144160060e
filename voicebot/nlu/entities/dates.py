"""Dates and times relative to the call's time and time zone, parsed by dateparser.

dateparser reads a clean date phrase well but stumbles on what callers wrap around it ("can we
do thursday instead" finds "we" = Wednesday) and on spoken times ("half past three", "three
thirty"). So this module first rewrites spoken forms into ones dateparser knows and keeps only
the words of the date phrase, then lets dateparser parse it. Two forms dateparser gets wrong are
computed here: a bare day of month ("the twelfth") and "<weekday> next week".
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import dateparser

from voicebot.nlu.entities.amounts import words_to_digits

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_RELATIVE_WORDS = {
    "today",
    "tomorrow",
    "yesterday",
    "tonight",
    "next",
    "this",
    "last",
    "week",
    "weeks",
    "month",
    "months",
    "day",
    "days",
    "year",
    "years",
    "after",
    "before",
    "ago",
    "from",
    "now",
    "in",
    "a",
    "the",
    "of",
}
_TIME_WORDS = {"am", "pm", "at", "morning", "afternoon", "evening", "noon", "midnight"}
_WEEKDAY_PATTERN = "|".join(WEEKDAYS)

_AM_PM = re.compile(r"\b([ap])\.? ?m\b\.?")
_HALF_PAST = re.compile(r"\bhalf past (\d{1,2})\b")
_QUARTER_PAST = re.compile(r"\bquarter past (\d{1,2})\b")
_QUARTER_TO = re.compile(r"\bquarter (?:to|till|of) (\d{1,2})\b")
_MINUTES_PAST = re.compile(r"\b(\d{1,2}) (?:minutes )?past (\d{1,2})\b")
_OCLOCK = re.compile(r"\b(\d{1,2}) ?o'? ?clock\b")
_HOUR_MINUTE = re.compile(r"\b(\d{1,2})[ .]([0-5]\d)\b(?! ?(?:st|nd|rd|th)\b)")
_NOON = re.compile(r"\b(?:noon|midday)\b")
_MIDNIGHT = re.compile(r"\bmidnight\b")
_DAY_PART = re.compile(
    r"\b(\d{1,2}(?::\d{2})?) (?:o'clock )?(?:in the (morning)|in the (afternoon|evening)|at (night))"
)
_FROM_NOW = re.compile(r"\b(a|\d+) (day|week|month|year)s? from (?:today|now)\b")
_WEEKDAY_NEXT_WEEK = re.compile(
    rf"\b(?:({_WEEKDAY_PATTERN}) (?:of |on )?next week|next week (?:on )?({_WEEKDAY_PATTERN}))\b"
)
_DAY_OF_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b(?: of (this|next) month\b)?")
_MONTH_NAME = re.compile(r"\b(?:" + "|".join(MONTHS) + r")\b")
_CLOCK_TIME = re.compile(r"\b(\d{1,2}):(\d{2})(?: ?([ap]m))?|\b(\d{1,2}) ?([ap]m)\b")
# "at two" inside a longer phrase ("the fifth at two"), not "at 2nd"
_AT_HOUR = re.compile(r"\b(?:at|around|about) (\d{1,2})\b(?! ?(?:st|nd|rd|th)\b)")
_BARE_HOUR = re.compile(r"^(?:at |around |about )?(\d{1,2})$")
_TOKEN = re.compile(r"\d{1,2}:\d{2}|[a-z0-9']+")


def local_now(now: datetime, tz: str) -> datetime:
    """`now` as a naive wall-clock time in `tz`; a naive `now` is taken to be in `tz` already."""
    if now.tzinfo is None:
        return now
    return now.astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def normalize_spoken_time(text: str) -> str:
    """Spoken clock times rewritten as "H:MM am/pm" that dateparser reads."""
    text = words_to_digits(text.lower())
    text = _AM_PM.sub(lambda m: f"{m.group(1)}m", text)
    text = _HALF_PAST.sub(lambda m: f"{m.group(1)}:30", text)
    text = _QUARTER_PAST.sub(lambda m: f"{m.group(1)}:15", text)
    text = _QUARTER_TO.sub(lambda m: f"{(int(m.group(1)) - 2) % 12 + 1}:45", text)
    text = _MINUTES_PAST.sub(lambda m: f"{m.group(2)}:{int(m.group(1)):02d}", text)
    text = _OCLOCK.sub(lambda m: f"{m.group(1)}:00", text)
    text = _HOUR_MINUTE.sub(r"\1:\2", text)
    text = _NOON.sub("12:00 pm", text)
    text = _MIDNIGHT.sub("12:00 am", text)
    return _DAY_PART.sub(_day_part, text)


def _day_part(match: re.Match[str]) -> str:
    clock = match.group(1) if ":" in match.group(1) else f"{match.group(1)}:00"
    return f"{clock} {'am' if match.group(2) else 'pm'}"


def _date_phrase(text: str) -> str:
    """Only the words that can belong to a date phrase; "may" only next to a day number."""
    words = _TOKEN.findall(text)
    kept = []
    for i, word in enumerate(words):
        if word == "may":
            neighbours = words[max(0, i - 2) : i] + words[i + 1 : i + 2]
            if not any(re.fullmatch(r"\d{1,2}(st|nd|rd|th)?", w) for w in neighbours):
                continue
        if (
            word in _RELATIVE_WORDS
            or word in _TIME_WORDS
            or word in WEEKDAYS
            or word in MONTHS
            or re.fullmatch(r"\d{1,4}(st|nd|rd|th)?|\d{1,2}:\d{2}", word)
        ):
            kept.append(word)
    # Leading glue words ("in", "the", "a", "at") without a number after them confuse dateparser.
    while kept and kept[0] in {"in", "a", "at", "of", "from"} and not _numeric_next(kept):
        kept.pop(0)
    while kept and kept[-1] in {"in", "a", "the", "at", "of", "from", "this", "next"}:
        kept.pop()
    return " ".join(kept)


def _numeric_next(words: list[str]) -> bool:
    return len(words) > 1 and (words[1][0].isdigit() or words[1] == "a")


def _settings(base: datetime, prefer: str) -> dict[str, object]:
    return {
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": prefer,
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DAY_OF_MONTH": "first",
    }


def extract_date(text: str, now: datetime, prefer: str = "future") -> tuple[date, str] | None:
    """The calendar date the caller means, relative to `now` (naive local wall-clock time)."""
    spoken = normalize_spoken_time(text)
    spoken = _FROM_NOW.sub(
        lambda m: f"in {1 if m.group(1) == 'a' else m.group(1)} {m.group(2)}s", spoken
    )
    if match := _WEEKDAY_NEXT_WEEK.search(spoken):
        weekday = WEEKDAYS.index(match.group(1) or match.group(2))
        monday_next_week = now.date() + timedelta(days=7 - now.weekday())
        return monday_next_week + timedelta(days=weekday), match.group(0)
    phrase = _date_phrase(spoken)
    if not phrase:
        return None
    if not _MONTH_NAME.search(phrase) and (match := _DAY_OF_MONTH.search(phrase)):
        day = _day_of_month(now.date(), int(match.group(1)), match.group(2), prefer)
        return (day, match.group(0)) if day is not None else None
    parsed = dateparser.parse(phrase, languages=["en"], settings=_settings(now, prefer))
    if parsed is None:
        return None
    return parsed.date(), phrase


def _day_of_month(today: date, day: int, which: str | None, prefer: str) -> date | None:
    year, month = today.year, today.month
    if which == "next" or (which is None and prefer == "future" and day < today.day):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _find_time(spoken: str) -> tuple[str, bool, int, int] | None:
    """(clock phrase for dateparser, whether am/pm was said, span in `spoken`) of the first
    clock time in already normalized text."""
    if match := _CLOCK_TIME.search(spoken):
        return match.group(0), bool(match.group(3) or match.group(5)), match.start(), match.end()
    hour = _AT_HOUR.search(spoken) or _BARE_HOUR.match(spoken.strip())
    if hour is None or not 0 < int(hour.group(1)) <= 12:
        return None
    if hour.re is _BARE_HOUR:
        return f"{hour.group(1)}:00", False, 0, len(spoken)
    return f"{hour.group(1)}:00", False, hour.start(), hour.end()


def extract_time(
    text: str, now: datetime, *, business_hours: bool = True
) -> tuple[time, str] | None:
    """The clock time the caller means. With `business_hours`, an hour from 1 to 7 said without
    am/pm ("at three") is taken as afternoon, as callers booking or asking for a call back mean."""
    found = _find_time(normalize_spoken_time(text))
    if found is None:
        return None
    phrase, has_meridiem = found[0], found[1]
    parsed = dateparser.parse(phrase, languages=["en"], settings=_settings(now, "current_period"))
    if parsed is None:
        return None
    clock = parsed.time().replace(second=0, microsecond=0)
    if business_hours and not has_meridiem and 1 <= clock.hour <= 7:
        clock = clock.replace(hour=clock.hour + 12)
    return clock, phrase


def extract_datetime(
    text: str, now: datetime, tz: str, *, business_hours: bool = True
) -> tuple[datetime, str] | None:
    """A date and a clock time, as an aware datetime in `tz`. Without a date the next time that
    clock time comes round is meant; without a time, nothing is returned."""
    found_time = extract_time(text, now, business_hours=business_hours)
    if found_time is None:
        return None
    clock, time_phrase = found_time
    spoken = normalize_spoken_time(text)
    span = _find_time(spoken)
    if span is not None:  # the date is read from what is left once the time is taken out
        spoken = spoken[: span[2]] + " " + spoken[span[3] :]
    found_date = extract_date(spoken, now)
    if found_date is not None:
        day, date_phrase = found_date
        phrase = f"{date_phrase} {time_phrase}"
    else:
        day, phrase = now.date(), time_phrase
        if datetime.combine(day, clock) <= now:
            day += timedelta(days=1)
    return datetime.combine(day, clock, tzinfo=ZoneInfo(tz)), phrase
