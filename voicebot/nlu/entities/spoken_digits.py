"""Digit strings as callers speak them: "four five double six", "oh seven", "forty five sixty six".

text2num turns number words into numbers, but reads "four five six six" as separate numbers and
knows neither "double"/"triple" nor "oh" for zero; this module reads the words of a digit string
one group at a time and hands groups with "hundred"/"thousand" to text2num.
"""

from __future__ import annotations

import re

from text_to_num import text2num

UNITS = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "nought": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
# Words ASR engines write for a spoken digit ("for" for four, "to"/"too" for two, ...). Only
# accepted next to other digits, so "call me for the balance" does not become a digit.
HOMOPHONES = {"for": "4", "fore": "4", "to": "2", "too": "2", "won": "1", "ate": "8", "tree": "3"}
TEENS = {
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "thirteen": "13",
    "fourteen": "14",
    "fifteen": "15",
    "sixteen": "16",
    "seventeen": "17",
    "eighteen": "18",
    "nineteen": "19",
}
TENS = {
    "twenty": "2",
    "thirty": "3",
    "forty": "4",
    "fifty": "5",
    "sixty": "6",
    "seventy": "7",
    "eighty": "8",
    "ninety": "9",
}
REPEATS = {"double": 2, "triple": 3}
SCALES = {"hundred", "thousand"}
# Words callers put between digits without meaning anything.
FILLERS = {"and", "uh", "um", "er", "erm", "hmm", "dash", "space", "then"}

_TOKEN = re.compile(r"[a-z]+|\d+")


def tokens(text: str) -> list[str]:
    """Lower-case words and digit runs; punctuation ("4-5-6", "45, 66") separates tokens."""
    return _TOKEN.findall(text.lower())


def _is_digit_word(token: str) -> bool:
    return (
        token.isdigit()
        or token in UNITS
        or token in TEENS
        or token in TENS
        or token in REPEATS
        or token in SCALES
    )


def digit_runs(text: str) -> list[tuple[str, list[str]]]:
    """The digit strings in `text`, each with the words it was read from, in order.

    A run ends at a word that is neither a digit word nor a filler between digit words.
    """
    words = tokens(text)
    runs: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(words):
        if not _is_digit_word(words[i]) or words[i] in SCALES:
            i += 1
            continue
        start = i
        j = i
        while j < len(words):
            word = words[j]
            if _is_digit_word(word):
                j += 1
            elif (word in FILLERS or word in HOMOPHONES) and _continues(words, j):
                j += 1
            else:
                break
        run_words = words[start:j]
        value = _read_run(run_words)
        if value:
            runs.append((value, run_words))
        i = j
    return runs


def _continues(words: list[str], index: int) -> bool:
    """A filler or homophone belongs to a run only when a digit word follows it."""
    nxt = index + 1
    while nxt < len(words) and words[nxt] in FILLERS:
        nxt += 1
    return nxt < len(words) and (_is_digit_word(words[nxt]) or words[nxt] in HOMOPHONES)


def _read_run(words: list[str]) -> str:
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in FILLERS:
            i += 1
        elif word in REPEATS:
            count = REPEATS[word]
            if i + 1 < len(words) and (words[i + 1] in UNITS or words[i + 1] in HOMOPHONES):
                out.append((UNITS.get(words[i + 1]) or HOMOPHONES[words[i + 1]]) * count)
                i += 2
            elif i + 1 < len(words) and words[i + 1].isdigit() and len(words[i + 1]) == 1:
                out.append(words[i + 1] * count)
                i += 2
            else:
                i += 1
        elif word.isdigit():
            out.append(word)
            i += 1
        elif word in HOMOPHONES:
            out.append(HOMOPHONES[word])
            i += 1
        else:
            group_end = _scaled_group_end(words, i)
            if group_end > i:
                out.append(str(text2num(" ".join(words[i:group_end]), "en")))
                i = group_end
            elif word in TEENS:
                out.append(TEENS[word])
                i += 1
            elif word in TENS:
                if i + 1 < len(words) and words[i + 1] in UNITS and UNITS[words[i + 1]] != "0":
                    out.append(TENS[word] + UNITS[words[i + 1]])
                    i += 2
                else:
                    out.append(TENS[word] + "0")
                    i += 1
            else:
                out.append(UNITS[word])
                i += 1
    return "".join(out)


def _scaled_group_end(words: list[str], start: int) -> int:
    """End of a number group like "five hundred and twenty" starting at `start`, or `start`."""
    j = start
    has_scale = False
    while j < len(words):
        word = words[j]
        if word in SCALES:
            has_scale = True
        elif word == "and" and has_scale:
            pass
        elif not (word in UNITS and word not in ("oh", "o") or word in TEENS or word in TENS):
            break
        if has_scale and word in UNITS and j > start and words[j - 1] in UNITS:
            break  # "two hundred five five": the second five starts a new digit
        j += 1
    if not has_scale:
        return start
    while j > start and words[j - 1] == "and":
        j -= 1
    try:
        text2num(" ".join(words[start:j]), "en")
    except ValueError:
        return start
    return j


def spoken_digits(text: str) -> str:
    """All digit strings in `text` joined: "four five, double six" -> "4566"; "" if none."""
    return "".join(value for value, _ in digit_runs(text))
