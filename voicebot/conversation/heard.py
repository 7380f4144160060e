"""Estimate which words of a bot utterance the caller heard before it was cut off (pure, no audio)."""

from __future__ import annotations

import re

from voicebot.tts.sentences import split_sentences  # the splitter SpeechService streams by

__all__ = ["estimate_heard_text", "split_sentences", "words_heard"]


def words_heard(sentence: str, fraction: float) -> str:
    """The words of `sentence` that end within the first `fraction` of it, weighting words by characters."""
    if fraction >= 1.0:
        return sentence
    cutoff = fraction * len(sentence)
    heard: list[str] = []
    for match in re.finditer(r"\S+", sentence):
        if match.end() > cutoff:
            break
        heard.append(match.group())
    return " ".join(heard)


def estimate_heard_text(
    text: str, chunk_samples: list[int], played_samples: int, synthesis_done: bool
) -> str:
    """What the caller heard of `text` when `played_samples` of the chunks had been sent.

    TTS yields one chunk per sentence, so chunk i is sentence i: whole sentences count as heard, and
    the sentence being played counts word by word. When the chunks do not line up with the sentences,
    the played fraction of the synthesized audio is applied to the whole text.
    """
    if played_samples <= 0 or not chunk_samples:
        return ""
    sentences = split_sentences(text)
    aligned = len(chunk_samples) == len(sentences) or (
        not synthesis_done and len(chunk_samples) < len(sentences)
    )
    if not aligned:
        return words_heard(text.strip(), played_samples / max(1, sum(chunk_samples)))
    heard: list[str] = []
    remaining = played_samples
    for sentence, samples in zip(sentences, chunk_samples, strict=False):
        if remaining >= samples:
            heard.append(sentence)
            remaining -= samples
            continue
        partial = words_heard(sentence, remaining / samples)
        if partial:
            heard.append(partial)
        break
    return " ".join(heard)
