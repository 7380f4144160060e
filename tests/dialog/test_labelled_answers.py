"""Every labelled yes and no of tests/fixtures/nlu/ takes the right path at the example dialogs'
yes/no questions, in states that also expect other intents (the bank's "anything else?") and in
states that expect only yes or no."""

from __future__ import annotations

import yaml
from dialog_helpers import ROOT, script

LABELLED = [
    ROOT / "tests" / "fixtures" / "nlu" / name
    for name in ("intent_eval.yaml", "intent_holdout.yaml")
]
ANSWERS = {
    answer: [
        text
        for path in LABELLED
        for section in yaml.safe_load(path.read_text(encoding="utf-8")).values()
        for text in section["utterances"].get(answer, [])
    ]
    for answer in ("yes", "no")
}


def test_there_are_enough_labelled_answers() -> None:
    assert len(ANSWERS["yes"]) >= 10
    assert len(ANSWERS["no"]) >= 10


async def test_bank_anything_else(bank) -> None:
    to_anything_else = ["#2", "#12345678", "yes", "no"]  # a lost card not blocked
    expected = {
        "yes": "bot: What else can I do for you? Say balance or lost card.",
        "no": "[hangup: completed]",
    }
    for answer, texts in ANSWERS.items():
        for text in texts:
            lines = await script(bank, [*to_anything_else, text])
            assert lines[-1] == expected[answer], text


async def test_telecom_is_it_working_now(telecom) -> None:
    expected = {
        "yes": "[hangup: resolved]",
        "no": "bot: Is the light marked internet on your router red?",
    }
    for answer, texts in ANSWERS.items():
        for text in texts:
            lines = await script(telecom, ["#1", "done", text])
            assert lines[-1] == expected[answer], text
