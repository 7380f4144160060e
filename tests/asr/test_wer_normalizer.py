"""WER counts what the NLU would get wrong, not Whisper's spelling of numbers."""

import jiwer
import pytest

from voicebot.asr.wer import corpus_wer, edit_distance, normalize_transcript


@pytest.mark.parametrize(
    ("reference", "whisper_wrote"),
    [
        ("four five six six", "4566"),
        ("four five six six", "4 5 6 6."),
        ("I want to transfer two hundred dollars.", "I want to transfer $200."),
        (
            "My date of birth is March fifth nineteen eighty two.",
            "My date of birth is March 5, 1982.",
        ),
        ("The payment was due on the first of June.", "The payment was due on the 1st of June."),
        ("five five five, two one two, nine nine zero one", "555-212-9901"),
        ("Yes, that is correct.", "yes that is correct"),
    ],
)
def test_spellings_of_the_same_words_compare_equal(reference: str, whisper_wrote: str) -> None:
    assert normalize_transcript(reference) == normalize_transcript(whisper_wrote)


def test_edit_distance_agrees_with_jiwer() -> None:
    pairs = [
        ("i lost my credit card", "i lost my card"),
        ("agent please", "agent please please now"),
        ("tell me my balance", "sell me a balance"),
        ("yes", ""),
    ]
    errors = sum(edit_distance(r.split(), h.split()) for r, h in pairs)
    words = sum(len(r.split()) for r, _ in pairs)
    assert errors / words == pytest.approx(jiwer.wer([r for r, _ in pairs], [h for _, h in pairs]))


def test_corpus_wer_counts_over_all_words() -> None:
    result = corpus_wer([("four five six six", "4 5"), ("agent please", "agent please")])
    assert (result.errors, result.reference_words) == (2, 6)
    assert result.wer == pytest.approx(1 / 3)
