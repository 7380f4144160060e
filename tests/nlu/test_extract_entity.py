from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from voicebot.nlu import SLOT_TYPES, Money, extract_entity

# Wednesday 4 March 2026, 10:00 in New York.
NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
TZ = "America/New_York"


def value(slot_type: str, text: str, **options: object) -> object:
    entity = extract_entity(slot_type, text, now=NOW, tz=TZ, options=options)
    return None if entity is None else entity.value


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("four five double six", "4566"),
        ("oh seven", "07"),
        ("triple seven", "777"),
        ("45 66", "4566"),
        ("forty five sixty six", "4566"),
        ("my pin is one two, three four", "1234"),
        ("double oh seven", "007"),
        ("one for five", "145"),  # ASR writes "for" for a spoken four between digits
    ],
)
def test_digits_spoken_one_by_one(text: str, digits: str) -> None:
    assert value("digits", text) == digits


def test_digits_length_options() -> None:
    assert value("digits", "one two three four", length=4) == "1234"
    assert value("digits", "one two three", length=4) is None
    assert value("digits", "one two three", min_length=4) is None
    assert value("digits", "one two three four five", max_length=4) is None
    assert value("digits", "I'd like to talk to someone") is None


def test_digits_keep_the_words_they_came_from() -> None:
    entity = extract_entity("digits", "four five double six", now=NOW)
    assert entity is not None
    assert (entity.type, entity.text, entity.start, entity.end) == (
        "digits",
        "four five double six",
        0,
        20,
    )


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("twenty three", 23),
        ("I want a hundred and five", 105),
        ("one", 1),
        ("1,200 please", 1200),
        ("two point five", Decimal("2.5")),
    ],
)
def test_numbers_from_words(text: str, number: object) -> None:
    assert value("number", text) == number


def test_number_bounds() -> None:
    assert value("number", "seven", min=1, max=9) == 7
    assert value("number", "twelve", min=1, max=9) is None
    assert value("number", "no idea") is None


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("twenty dollars fifty", "20.50", "USD"),
        ("twenty dollars and fifty cents", "20.50", "USD"),
        ("$1,250.75", "1250.75", "USD"),
        ("twelve fifty dollars", "12.50", "USD"),
        ("fifty cents", "0.50", "USD"),
        ("a hundred bucks", "100.00", "USD"),
        ("thirty euros", "30.00", "EUR"),
        ("seventy five", "75.00", "USD"),
    ],
)
def test_money(text: str, amount: str, currency: str) -> None:
    assert value("money", text) == Money(Decimal(amount), currency)


def test_money_default_currency_and_text() -> None:
    assert value("money", "forty", currency="gbp") == Money(Decimal("40.00"), "GBP")
    assert str(Money(Decimal("20.50"), "USD")) == "20.50 USD"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("tomorrow", date(2026, 3, 5)),
        ("next tuesday", date(2026, 3, 10)),
        ("the fifth of march", date(2026, 3, 5)),
        ("can we do thursday instead", date(2026, 3, 5)),
        ("friday next week", date(2026, 3, 13)),
        ("the twelfth", date(2026, 3, 12)),
        ("the second", date(2026, 4, 2)),  # already past this month
        ("in two weeks", date(2026, 3, 18)),
        ("May I come on saturday", date(2026, 3, 7)),  # "may" the verb is not the month
        ("may I come on the twelfth", date(2026, 3, 12)),
        ("the thirty first of next month", None),  # April has 30 days
    ],
)
def test_dates_relative_to_the_call(text: str, day: date | None) -> None:
    assert value("date", text) == day


def test_dates_use_the_call_time_zone() -> None:
    late_evening_in_new_york = datetime(2026, 3, 5, 3, 30, tzinfo=UTC)  # 22:30 on the 4th
    entity = extract_entity("date", "tomorrow", now=late_evening_in_new_york, tz=TZ)
    assert entity is not None and entity.value == date(2026, 3, 5)
    entity = extract_entity("date", "tomorrow", now=late_evening_in_new_york, tz="Europe/Paris")
    assert entity is not None and entity.value == date(2026, 3, 6)


def test_no_date_in_text() -> None:
    assert value("date", "I don't know") is None


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("half past three", time(15, 30)),
        ("3 pm", time(15, 0)),
        ("15:30", time(15, 30)),
        ("three thirty", time(15, 30)),
        ("quarter to four", time(15, 45)),
        ("ten in the morning", time(10, 0)),
        ("nine a m", time(9, 0)),
        ("noon", time(12, 0)),
    ],
)
def test_times(text: str, clock: time) -> None:
    assert value("time", text) == clock


def test_bare_hours_are_business_hours_unless_turned_off() -> None:
    assert value("time", "at three") == time(15, 0)
    assert value("time", "at three", business_hours=False) == time(3, 0)
    assert value("time", "tomorrow") is None


def test_datetime_is_aware_in_the_call_time_zone() -> None:
    new_york = ZoneInfo(TZ)
    assert value("datetime", "tomorrow at 3 pm") == datetime(2026, 3, 5, 15, 0, tzinfo=new_york)
    assert value("datetime", "the fifth of march at two") == datetime(
        2026, 3, 5, 14, 0, tzinfo=new_york
    )
    # Without a day: the next time the clock shows that time (it is 10:00 now).
    assert value("datetime", "at 9 am") == datetime(2026, 3, 5, 9, 0, tzinfo=new_york)
    assert value("datetime", "at 11 am") == datetime(2026, 3, 4, 11, 0, tzinfo=new_york)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("yeah sure", "yes"),
        ("that's right", "yes"),
        ("yes please", "yes"),
        ("uh huh", "yes"),
        ("nope", "no"),
        ("no thanks", "no"),
        ("that's not right", "no"),
        ("I don't think so", "no"),
        ("not really", "no"),
        ("yes no problem", "yes"),
        ("okay well no", "no"),
        ("what time is it", None),
        ("I don't know", None),
        ("I'm not sure", None),
        ("no idea", None),
    ],
)
def test_yes_no(text: str, answer: str | None) -> None:
    assert value("yes_no", text) == answer


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("my number is five five five one two three four five six seven", "+15551234567"),
        ("(212) 555-0147", "+12125550147"),
        ("two one two, five five five, oh one four seven", "+12125550147"),
        ("plus four four two zero seven nine four six zero nine five eight", "+442079460958"),
    ],
)
def test_phone_numbers(text: str, number: str) -> None:
    assert value("phone", text) == number


def test_phone_region_and_strictness() -> None:
    assert value("phone", "020 7946 0958", region="GB") == "+442079460958"
    assert value("phone", "one two three") is None
    assert value("phone", "five five five one two three four five six seven", strict=True) is None


def test_enum_with_synonyms_and_fuzzy_matching() -> None:
    values = {"savings": ["saving account", "savings account"], "checking": ["current account"]}
    assert value("enum", "my current account please", values=values) == "checking"
    assert value("enum", "the savngs one", values=values) == "savings"  # ASR misspelling
    assert value("enum", "the business one", values=values) is None
    assert value("enum", "red", values=["red", "green"]) == "red"


def test_regex_takes_the_value_group() -> None:
    assert value("regex", "order AB-1234 please", pattern=r"[A-Z]{2}-\d{4}") == "AB-1234"
    assert value("regex", "order ab-1234", pattern=r"order (?P<value>\w+-\d+)") == "ab-1234"
    assert value("regex", "nothing here", pattern=r"\d+") is None
    assert value("regex", "order", pattern=r"order(?: (?P<value>\d+))?") is None
    with pytest.raises(ValueError, match="does not compile"):
        value("regex", "x", pattern=r"(\d")


def test_text_is_the_whole_utterance() -> None:
    assert value("text", "  my flat is on the second floor ") == "my flat is on the second floor"
    assert value("text", "   ") is None


def test_unknown_slot_type_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown slot type 'colour'.*digits.*yes_no"):
        extract_entity("colour", "red", now=NOW)
    assert set(SLOT_TYPES) >= {"digits", "number", "money", "date", "time", "datetime"}


def test_options_that_are_required() -> None:
    with pytest.raises(ValueError, match="values"):
        extract_entity("enum", "red", now=NOW)
    with pytest.raises(ValueError, match="pattern"):
        extract_entity("regex", "red", now=NOW)
