"""Sentence splitting for streamed TTS."""

import pytest

from voicebot.tts import split_sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Hello! How can I help you today?", ["Hello!", "How can I help you today?"]),
        ("Your balance is $3.50. Anything else?", ["Your balance is $3.50.", "Anything else?"]),
        ("Dr. Smith will call at 9 a.m. tomorrow.", ["Dr. Smith will call at 9 a.m. tomorrow."]),
        ("Press one.\nPress two.", ["Press one.", "Press two."]),
        ("Wait... what? J. Smith called.", ["Wait... what?", "J. Smith called."]),
        ('He said "stop." Then he left.', ['He said "stop."', "Then he left."]),
        ("No punctuation at all", ["No punctuation at all"]),
        ("   ", []),
    ],
)
def test_splits_at_sentence_ends_only(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences
