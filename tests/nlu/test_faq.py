from __future__ import annotations

from pathlib import Path

import pytest

from voicebot.nlu import FaqAnswer, NluDataError, NluPipeline, NluTrainingData, load_faq_markdown
from voicebot.nlu.faq import FaqIndex


@pytest.mark.parametrize(
    ("asked", "question"),
    [
        ("when are your branches open", "What are your opening hours?"),
        ("what time do the branches open", "What are your opening hours?"),
        ("where's the closest branch", "Where is the nearest branch?"),
        ("how do I activate the new card", "How do I activate my new card?"),
        (
            "does an international transfer cost anything",
            "Is there a fee for international transfers?",
        ),
    ],
)
def test_faq_finds_the_closest_question(bank_nlu: NluPipeline, asked: str, question: str) -> None:
    answer = bank_nlu.answer_faq(asked)
    assert answer is not None
    assert answer.question == question
    assert 0.0 < answer.score <= 1.0


def test_faq_below_threshold_is_none(bank_nlu: NluPipeline) -> None:
    assert bank_nlu.answer_faq("my dog likes long walks on the beach") is None
    assert bank_nlu.answer_faq("") is None


def test_faq_without_pairs_answers_nothing() -> None:
    assert FaqIndex([]).answer("when are you open") is None


def test_faq_threshold_is_configurable() -> None:
    pairs = [("What are your opening hours?", "Nine to five.")]
    strict = FaqIndex(pairs, threshold=0.99)
    lenient = FaqIndex(pairs, threshold=0.1)
    assert strict.answer("when do you open") is None
    assert lenient.answer("when do you open") == FaqAnswer(
        "What are your opening hours?", "Nine to five.", lenient.answer("when do you open").score
    )


def test_faq_only_pipeline_answers_without_intents() -> None:
    pipeline = NluPipeline.train(
        NluTrainingData(faq=[("Do you have parking?", "Yes, behind the building.")])
    )
    assert pipeline.parse("do you have parking").intent == "no_match"
    answer = pipeline.answer_faq("is there parking")
    assert answer is not None and answer.answer == "Yes, behind the building."


def test_markdown_faq(tmp_path: Path) -> None:
    path = tmp_path / "faq.md"
    path.write_text(
        "# Telecom FAQ\n\n"
        "## How do I restart my router?\n"
        "Unplug it, wait ten seconds,\nand plug it back in.\n\n"
        "## What is my data allowance?\n\n"
        "It is printed on your monthly bill.\n",
        encoding="utf-8",
    )
    assert load_faq_markdown(path) == [
        ("How do I restart my router?", "Unplug it, wait ten seconds, and plug it back in."),
        ("What is my data allowance?", "It is printed on your monthly bill."),
    ]


def test_markdown_question_without_answer_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "faq.md"
    path.write_text("## First?\nYes.\n\n## Second?\n\n", encoding="utf-8")
    with pytest.raises(NluDataError, match="'Second\\?' has no answer") as caught:
        load_faq_markdown(path)
    assert caught.value.line == 4


def test_markdown_without_questions(tmp_path: Path) -> None:
    path = tmp_path / "faq.md"
    path.write_text("Just some text.\n", encoding="utf-8")
    with pytest.raises(NluDataError, match="no '## question' headings"):
        load_faq_markdown(path)


def test_the_bank_dialogs_faq_answers_a_paraphrase(dialog_nlu_dir: Path) -> None:
    pairs = load_faq_markdown(dialog_nlu_dir / "bank_faq.md")
    assert len(pairs) == 8
    pipeline = NluPipeline.train(NluTrainingData(faq=pairs))
    answer = pipeline.answer_faq("is there a limit on cash withdrawals")
    assert answer is not None
    assert answer.question == "What is the daily cash withdrawal limit?"
