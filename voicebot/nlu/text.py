"""Text normalization shared by the intent classifier and the FAQ retriever."""

from __future__ import annotations

import re

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_NOT_WORD = re.compile(r"[^\w' ]+")
_SPACES = re.compile(r"\s+")
# ASR engines write contractions either way ("what's" / "what is", "cant" / "can't"); spelling
# them out makes both share words with the training examples.
_CONTRACTIONS = [
    (re.compile(r"\bcan'?t\b"), "can not"),
    (re.compile(r"\bwon'?t\b"), "will not"),
    (re.compile(r"\b(\w+)n't\b"), r"\1 not"),
    (re.compile(r"\b(i)'m\b"), r"\1 am"),
    (re.compile(r"\b(\w+)'re\b"), r"\1 are"),
    (re.compile(r"\b(\w+)'ve\b"), r"\1 have"),
    (re.compile(r"\b(\w+)'ll\b"), r"\1 will"),
    (re.compile(r"\b(\w+)'d\b"), r"\1 would"),
    (re.compile(r"\b(what|that|there|it|where|who|how|here|when)'s\b"), r"\1 is"),
]


def normalize(text: str) -> str:
    """Lower case, contractions spelt out, punctuation dropped (ASR engines differ in both),
    single spaces."""
    text = text.translate(_APOSTROPHES).lower()
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    text = _NOT_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()
