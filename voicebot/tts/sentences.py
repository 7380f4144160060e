"""Split a prompt into sentences, so the first can play while the rest is synthesized."""

from __future__ import annotations

import re

# words whose trailing period does not end a sentence
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st ave no vs etc e.g i.e a.m p.m approx dept inc ltd co corp jan feb "
    "mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun".split()
)
# a run of terminal punctuation (with closing quotes/brackets) followed by whitespace
_BOUNDARY = re.compile(r"([.!?…]+[\"')\]]*)\s+")


def split_sentences(text: str) -> list[str]:
    """Sentences of `text`, stripped, in order; blank lines also separate. Never returns empty strings.

    A period after an abbreviation ("Dr.", "a.m.") or a single initial ("J.") does not split, and
    neither does one inside a number ("3.50") since a boundary needs whitespace after it.
    """
    sentences: list[str] = []
    for block in re.split(r"\n\s*\n|\r?\n", text):
        start = 0
        for match in _BOUNDARY.finditer(block):
            candidate = block[start : match.end(1)]
            if match.group(1).startswith(".") and _ends_with_abbreviation(candidate):
                continue
            rest = block[match.end() :]
            if rest and rest[0].islower():
                continue  # "e.g. this" or a mid-sentence ellipsis
            sentences.append(candidate.strip())
            start = match.end()
        sentences.append(block[start:].strip())
    return [s for s in sentences if s]


def _ends_with_abbreviation(candidate: str) -> bool:
    words = candidate.rstrip(".\"')]").split()
    if not words:
        return False
    last = words[-1].lower().lstrip("(\"'")
    return last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha() and last != "i")
