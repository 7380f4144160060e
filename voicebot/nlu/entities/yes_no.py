"""Yes or no from how callers say it: "yeah sure", "that's right", "nope", "not really".

Negated answers are looked for first, so "that's not right" is "no" although it contains "right".
"""

from __future__ import annotations

import re

_NO_PHRASES = (
    r"no+(?! idea| clue| problem| worries)",
    r"nope",
    r"nah",
    r"nay",
    r"negative",
    r"not (?:really|quite|at all|now|today|right now|exactly|good|fine|correct|right|ok(?:ay)?)",
    r"(?:that'?s|that is|it'?s|it is) (?:not|wrong|incorrect)",
    r"(?:i )?(?:do not|don'?t|dont|can'?t|cannot|won'?t|wouldn'?t) (?:think so|want|need|wanna|agree|like|do|have)",
    r"(?:i )?(?:can'?t|cannot|won'?t)(?: make it)?",
    r"wrong",
    r"incorrect",
    r"never",
    r"no way",
    r"i'?d rather not",
    r"please don'?t",
)
_YES_PHRASES = (
    r"ye+s+",
    r"yeah?",
    r"yep",
    r"yup",
    r"ya",
    r"yah",
    r"aye",
    r"sure",
    r"ok(?:ay)?",
    r"alright",
    r"all right",
    r"right",
    r"correct",
    r"exactly",
    r"absolutely",
    r"definitely",
    r"certainly",
    r"of course",
    r"please do",
    r"go ahead",
    r"sounds good",
    r"affirmative",
    r"indeed",
    r"i (?:do|did|am|will|can|would)",
    r"that'?s (?:it|right|correct|fine|good|me)",
    r"(?:that )?works(?: for me)?",
    r"fine",
    r"perfect",
    r"uh[ -]?huh",
    r"mm[ -]?hmm",
    r"yes please",
)
# Said by callers who answer neither way; taken out before looking for yes or no.
_UNSURE = re.compile(r"\b(?:(?:i'?m |i am )?not (?:sure|certain)|(?:i )?(?:don'?t|do not) know)\b")
_NO = re.compile(r"\b(?:" + "|".join(_NO_PHRASES) + r")\b")
_YES = re.compile(r"\b(?:" + "|".join(_YES_PHRASES) + r")\b")


def extract_yes_no(text: str) -> tuple[str, str] | None:
    """("yes" | "no", the words that said it), or None when the text says neither."""
    lowered = _UNSURE.sub(" ", text.lower().replace("’", "'"))
    no = _NO.search(lowered)
    yes = _YES.search(lowered)
    if no and (not yes or no.start() <= yes.start() or _negates(lowered, no, yes)):
        return "no", no.group(0)
    if yes:
        return "yes", yes.group(0)
    return None


def _negates(text: str, no: re.Match[str], yes: re.Match[str] | None) -> bool:
    """A later "no" wins over an earlier hedge: "well okay no" is no."""
    return yes is not None
