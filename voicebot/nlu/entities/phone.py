"""Phone numbers said in digits or words, parsed and validated by the phonenumbers library."""

from __future__ import annotations

import phonenumbers

from voicebot.nlu.entities.spoken_digits import digit_runs

_PLUS_WORDS = ("plus", "+")


def extract_phone(text: str, region: str = "US", *, strict: bool = False) -> tuple[str, str] | None:
    """The number in E.164 form ("+15551234567") and the digits heard.

    `strict` accepts only numbers phonenumbers knows to be assigned (valid); by default a number
    of a possible length and shape for the region is enough, which keeps test and fictional
    555 numbers usable.
    """
    for candidate in _candidates(text):
        try:
            number = phonenumbers.parse(candidate, region.upper())
        except phonenumbers.NumberParseException:
            continue
        good = (
            phonenumbers.is_valid_number(number)
            if strict
            else phonenumbers.is_possible_number(number)
        )
        if good:
            return phonenumbers.format_number(
                number, phonenumbers.PhoneNumberFormat.E164
            ), candidate
    return None


def _candidates(text: str) -> list[str]:
    """The text itself (phonenumbers finds "(555) 123-4567" and "+44 20 ..."), then the spoken
    digits read from it, with a leading "+" when the caller said "plus"."""
    candidates = []
    matches = list(phonenumbers.PhoneNumberMatcher(text, "ZZ" if "+" in text else "US"))
    candidates.extend(match.raw_string for match in matches)
    digits = "".join(value for value, _ in digit_runs(text))
    if digits:
        plus = "+" if text.lower().lstrip().startswith(_PLUS_WORDS) else ""
        candidates.append(plus + digits)
    return candidates
