"""The loop cutter on transcripts the short-input decoder really produced."""

import pytest

from voicebot.asr.repetition import cut_repetitions, token_budget


@pytest.mark.parametrize(
    ("decoded", "capped", "expected"),
    [
        (
            "I would like to check my account balance please. I would like to check",
            True,
            "I would like to check my account balance please.",
        ),
        ("What is my current balance? What", True, "What is my current balance?"),
        ("My card was stolen yesterday, yesterday.", False, "My card was stolen yesterday"),
        ("I lost my credit card card card card card card", True, "I lost my credit card"),
        ("Yes yes yes yes", True, "Yes"),
        ("Agent Please, Agent Please, Agent Please", True, "Agent Please"),
        ("The last four digits or 9 8 7 6 6 6 6 6 6", True, "The last four digits or 9 8 7 6"),
        ("4 5 6 6 4 5 6", True, "4 5 6 6"),
        (
            "Thanks. That is all I needed. Goodbye. Goodbye. Goodbye.",
            False,
            "Thanks. That is all I needed. Goodbye.",
        ),
    ],
)
def test_loops_are_cut_where_they_start(decoded: str, capped: bool, expected: str) -> None:
    text, was_cut = cut_repetitions(decoded, capped=capped)
    assert text == expected
    assert was_cut


@pytest.mark.parametrize(
    "spoken",
    [
        "four five six six",
        "4 5 6 6",
        "five five five, two one two, nine nine zero one",
        "My PIN is 1 2 1 2",
        "I lost my card and I need a new one.",
        "Yes I said yes.",
    ],
)
def test_real_repeats_that_ended_normally_are_kept(spoken: str) -> None:
    assert cut_repetitions(spoken, capped=False) == (spoken, False)


def test_token_budget_grows_with_duration() -> None:
    assert token_budget(0.0, tokens_per_second=5, extra=3) == 3
    assert token_budget(2.0, tokens_per_second=5, extra=3) == 13
    assert token_budget(2.1, tokens_per_second=5, extra=3) == 14  # rounds up
