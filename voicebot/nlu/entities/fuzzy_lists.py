"""Values from a custom list found in what the caller said, tolerant of ASR misspellings (rapidfuzz).

A list maps each canonical value to the words callers use for it; every run of one to a few words
of the text is compared with every synonym, and the best match above the cutoff wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

_WORD = re.compile(r"[\w']+")


@dataclass(frozen=True, slots=True)
class ListMatch:
    value: str  # the canonical value
    text: str  # the words of the input that matched
    start: int
    end: int
    score: float  # 0..100


class FuzzyList:
    """One list, prepared once: canonical value -> synonyms (the value itself always matches)."""

    def __init__(self, values: Mapping[str, Iterable[str]], cutoff: float = 85.0) -> None:
        self.cutoff = cutoff
        self._canonical_of: dict[str, str] = {}
        for canonical, synonyms in values.items():
            for phrase in (canonical, *synonyms):
                key = _normalize(phrase)
                if key:
                    self._canonical_of.setdefault(key, canonical)
        self._choices = list(self._canonical_of)
        self._max_words = max((len(choice.split()) for choice in self._choices), default=0)

    def find_all(self, text: str) -> list[ListMatch]:
        """Best non-overlapping matches, left to right."""
        words = [(m.group(0).lower(), m.start(), m.end()) for m in _WORD.finditer(text)]
        candidates: list[ListMatch] = []
        for size in range(1, self._max_words + 1):
            for i in range(len(words) - size + 1):
                window = " ".join(word for word, _, _ in words[i : i + size])
                best = process.extractOne(
                    window, self._choices, scorer=fuzz.ratio, score_cutoff=self._cutoff_for(window)
                )
                if best is not None:
                    start, end = words[i][1], words[i + size - 1][2]
                    candidates.append(
                        ListMatch(self._canonical_of[best[0]], text[start:end], start, end, best[1])
                    )
        # Prefer exact and longer matches; then keep those that do not overlap a better one.
        candidates.sort(key=lambda m: (-m.score, -(m.end - m.start)))
        chosen: list[ListMatch] = []
        for match in candidates:
            if all(match.end <= other.start or match.start >= other.end for other in chosen):
                chosen.append(match)
        return sorted(chosen, key=lambda m: m.start)

    def find(self, text: str) -> ListMatch | None:
        """The single best match in the text."""
        matches = self.find_all(text)
        return max(matches, key=lambda m: m.score) if matches else None

    def _cutoff_for(self, window: str) -> float:
        # A short word is one letter away from many others ("gold"/"good"): below five letters
        # only an exact match counts.
        return 100.0 if len(window) < 5 else self.cutoff


def _normalize(phrase: str) -> str:
    return " ".join(word.lower() for word in _WORD.findall(phrase))
