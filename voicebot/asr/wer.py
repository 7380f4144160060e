"""Word error rate with a normalizer that makes Whisper's spelling choices not count as errors.

Whisper writes "4 5 6 6", "4566" or "four five six six" for the same speech, "$200" for "two
hundred dollars", "1st" for "first". Both reference and hypothesis go through `normalize_transcript`:
lower case, number words to digits (text2num), every digit a word of its own, ordinal suffixes and
punctuation dropped. What is left is what the NLU would need to get right.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from text_to_num import alpha2digit

_DIGIT_WORDS = {
    w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine".split())
}
_ORDINAL_WORDS = {"first": "1", "second": "2", "third": "3"}
_DOLLARS = re.compile(r"\$\s?(\d[\d,]*(?:\.\d+)?)")
_ORDINAL_SUFFIX = re.compile(r"(\d)(?:st|nd|rd|th)\b")
_THOUSANDS = re.compile(r"(\d),(?=\d{3}\b)")
_PUNCTUATION = re.compile(r"[^\w\s']|_")


def normalize_transcript(text: str) -> list[str]:
    """The words of `text` as compared for WER."""
    text = _DOLLARS.sub(r"\1 dollars", text.lower())
    text = alpha2digit(text.replace("-", " "), "en")
    text = _THOUSANDS.sub(r"\1", text)
    text = _ORDINAL_SUFFIX.sub(r"\1", text)
    text = _PUNCTUATION.sub(" ", text)
    words: list[str] = []
    for word in text.split():
        word = _DIGIT_WORDS.get(word, _ORDINAL_WORDS.get(word, word))
        if word.isdigit():
            words.extend(word)  # "1982" -> 1 9 8 2: digit strings compare digit by digit
        else:
            words.append(word.strip("'"))
    return [w for w in words if w]


def edit_distance(reference: list[str], hypothesis: list[str]) -> int:
    """Substitutions + deletions + insertions turning `reference` into `hypothesis`."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref_word in enumerate(reference, start=1):
        current = [i]
        for j, hyp_word in enumerate(hypothesis, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref_word != hyp_word))
            )
        previous = current
    return previous[-1]


@dataclass(frozen=True, slots=True)
class WerResult:
    errors: int
    reference_words: int

    @property
    def wer(self) -> float:
        return self.errors / self.reference_words if self.reference_words else 0.0


def corpus_wer(pairs: Iterable[tuple[str, str]]) -> WerResult:
    """WER over (reference, hypothesis) pairs, counted over all words (not averaged per sentence)."""
    errors = words = 0
    for reference, hypothesis in pairs:
        ref = normalize_transcript(reference)
        errors += edit_distance(ref, normalize_transcript(hypothesis))
        words += len(ref)
    return WerResult(errors, words)
