"""Numbers and money from words or digits, via text2num: "twenty three" -> 23,
"twenty dollars fifty" -> 20.50 USD."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from text_to_num import alpha2digit


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal  # always two decimal places: Decimal("20.50")
    currency: str  # ISO 4217: "USD", "EUR", "GBP"

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


@dataclass(frozen=True, slots=True)
class NumberMatch:
    value: int | Decimal
    start: int  # offsets in the text given to find_numbers
    end: int


_NUMBER = re.compile(r"(?<![\w.])(-|minus )?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d])")
# "a hundred" / "a thousand": text2num leaves the "a".
_A_SCALE = re.compile(r"\ba (hundred|thousand|million)\b")
_POINT = re.compile(r"(\d+) point (\d+)")


def words_to_digits(text: str) -> str:
    """Number words replaced by digits, every number including "one" ("twenty one" -> "21")."""
    text = _A_SCALE.sub(r"one \1", text.lower())
    converted = alpha2digit(text, "en", threshold=0)
    return _POINT.sub(r"\1.\2", converted)


def find_numbers(text: str) -> list[NumberMatch]:
    """Numbers in already-converted text (see words_to_digits), with their offsets."""
    found = []
    for match in _NUMBER.finditer(text):
        sign, whole, fraction = match.group(1), match.group(2).replace(",", ""), match.group(3)
        value: int | Decimal = Decimal(whole + fraction) if fraction else int(whole)
        found.append(NumberMatch(-value if sign else value, match.start(), match.end()))
    return found


def extract_number(
    text: str, minimum: float | None = None, maximum: float | None = None
) -> tuple[int | Decimal, str] | None:
    """The first number within [minimum, maximum] and the converted text it came from."""
    converted = words_to_digits(text)
    for number in find_numbers(converted):
        if minimum is not None and number.value < minimum:
            continue
        if maximum is not None and number.value > maximum:
            continue
        return number.value, converted[number.start : number.end]
    return None


_CURRENCY_WORDS = {
    "dollar": "USD",
    "dollars": "USD",
    "buck": "USD",
    "bucks": "USD",
    "usd": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "eur": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "quid": "GBP",
    "gbp": "GBP",
}
_CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP"}
_SUBUNIT_WORDS = r"cents?|pence|p"
_CURRENCY_WORD_PATTERN = "|".join(sorted(_CURRENCY_WORDS, key=len, reverse=True))

# "$20.50", "€ 20", "20 dollars and 50 cents", "20 dollars 50", "20.50 dollars", "50 cents"
_SYMBOL_AMOUNT = re.compile(r"([$€£])\s?(\d+(?:,\d{3})*(?:\.\d{1,2})?)")
_WORD_AMOUNT = re.compile(
    rf"(\d+(?:,\d{{3}})*(?:\.\d{{1,2}})?)\s+({_CURRENCY_WORD_PATTERN})\b"
    rf"(?:\s+(?:and\s+)?(\d{{1,2}})(?:\s+(?:{_SUBUNIT_WORDS})\b)?)?"
)
# "12 50 dollars": spoken "twelve fifty dollars"
_SPLIT_AMOUNT = re.compile(rf"(?<![\d.,])(\d+)\s+(\d{{2}})\s+({_CURRENCY_WORD_PATTERN})\b")
_SUBUNIT_ONLY = re.compile(rf"(?<![\d.])(\d{{1,2}})\s+({_SUBUNIT_WORDS})\b")


def extract_money(text: str, default_currency: str = "USD") -> tuple[Money, str] | None:
    """An amount of money and the converted text it came from. A bare number counts as money in
    `default_currency`, since a caller asked for an amount often says only "fifty"."""
    converted = words_to_digits(text)
    if match := _SYMBOL_AMOUNT.search(converted):
        amount = Decimal(match.group(2).replace(",", ""))
        return _money(amount, _CURRENCY_SYMBOLS[match.group(1)]), match.group(0)
    if match := _SPLIT_AMOUNT.search(converted):
        amount = Decimal(match.group(1)) + Decimal(match.group(2)) / 100
        return _money(amount, _CURRENCY_WORDS[match.group(3)]), match.group(0)
    if match := _WORD_AMOUNT.search(converted):
        amount = Decimal(match.group(1).replace(",", ""))
        if match.group(3) and "." not in match.group(1):
            amount += Decimal(match.group(3)) / 100
        return _money(amount, _CURRENCY_WORDS[match.group(2)]), match.group(0)
    if match := _SUBUNIT_ONLY.search(converted):
        currency = "GBP" if match.group(2).startswith("p") else default_currency
        return _money(Decimal(match.group(1)) / 100, currency), match.group(0)
    numbers = find_numbers(converted)
    if numbers and numbers[0].value >= 0:
        first = numbers[0]
        return _money(Decimal(first.value), default_currency), converted[first.start : first.end]
    return None


def _money(amount: Decimal, currency: str) -> Money:
    return Money(amount.quantize(Decimal("0.01")), currency)
