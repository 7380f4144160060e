"""Cut the loops Whisper's decoder falls into on short (unpadded) encoder input.

Given a few seconds of audio instead of 30 s, the decoder often says the utterance and then starts
it again ("tell me my balance. tell me my balance. tell"), or repeats one word ("card card card").
These functions find where the repetition starts in the decoded words. `capped` says the decode
stopped at its token cap instead of at end-of-text: only then are short or numeric repeats taken
as loops, because a caller may really say "four five six six" or "no no".
"""

from __future__ import annotations

import math
import re

_NUMBER_WORDS = frozenset(
    "zero oh one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred thousand".split()
)
_NOT_KEY = re.compile(r"[^\w']+")
_WORD = re.compile(
    r"[^\s\-]+"
)  # hyphens split too: Whisper writes digit loops as "555-212-555-212"
_MAX_UNIT_WORDS = 24  # longest repeated phrase we look for; bounds the search to O(n * 24)
_TRAILING_JOINERS = " ,;:-"


def word_key(word: str) -> str:
    return _NOT_KEY.sub("", word.lower())


def _is_number(key: str) -> bool:
    return key.isdigit() or key in _NUMBER_WORDS


def _all_numbers(keys: list[str]) -> bool:
    return all(_is_number(k) for k in keys)


def find_repetition(keys: list[str], *, capped: bool) -> int | None:
    """Index of the first word that starts a repetition, or None. `keys` are `word_key`s."""
    n = len(keys)
    for i in range(1, n):
        # the utterance starts over: "what is my balance what is my" (a partial restart needs the cap)
        if keys[i] == keys[0]:
            m = min(n - i, i)
            if keys[i : i + m] == keys[:m]:
                numeric = _all_numbers(keys[i : i + m])
                if m == i and m >= 2 and not numeric:
                    return i
                if capped and (m >= 3 or not numeric):
                    return i
        # a phrase said twice in a row: "yesterday my card was stolen yesterday my card was stolen"
        for length in range(2, min(i, n - i, _MAX_UNIT_WORDS) + 1):
            if keys[i : i + length] == keys[i - length : i]:
                if capped or not _all_numbers(keys[i : i + length]):
                    return i
        # one word over and over: "card card card"; digits only at the cap ("6 6 6 6 6 6")
        if keys[i] == keys[i - 1]:
            run = 1
            while i + run < n and keys[i + run] == keys[i]:
                run += 1
            run += 1  # counts keys[i - 1] too
            if run >= 3 and (capped or not _is_number(keys[i])):
                return i
            # the last word once more at the very end: "my balance please. please."
            if i + run - 1 == n and not _is_number(keys[i]):
                return i
    return None


def cut_repetitions(text: str, *, capped: bool) -> tuple[str, bool]:
    """The text up to where it starts repeating itself, and whether anything was cut."""
    spans = [(m.start(), m.group()) for m in _WORD.finditer(text)]
    cut = find_repetition([word_key(word) for _, word in spans], capped=capped)
    if cut is None:
        return text.strip(), False
    return text[: spans[cut][0]].strip().rstrip(_TRAILING_JOINERS), True


def split_words(text: str) -> list[str]:
    """The words repetition is looked for in: split on whitespace and hyphens."""
    return _WORD.findall(text)


def token_budget(duration_s: float, *, tokens_per_second: float, extra: int) -> int:
    """Most tokens worth decoding for this much audio: fast speech is ~6 tokens/s with punctuation."""
    return max(1, extra + math.ceil(duration_s * tokens_per_second))
