"""Shared NLU fixtures: the example dialogs' training data (dialogs/nlu/), trained once per test
session. The labelled evaluation sets stay in tests/fixtures/nlu/."""

from __future__ import annotations

from pathlib import Path

import pytest

from voicebot.nlu import NluPipeline, NluTrainingData, load_rasa_nlu

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "nlu"
DIALOG_NLU = ROOT / "dialogs" / "nlu"


def dialog_data(*files: str) -> NluTrainingData:
    """The Rasa files merged; `files` are relative to the repository root, as in the eval sets."""
    data = NluTrainingData()
    for name in files:
        data = data.merge(load_rasa_nlu(ROOT / name))
    return data


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def dialog_nlu_dir() -> Path:
    return DIALOG_NLU


@pytest.fixture(scope="session")
def bank_nlu() -> NluPipeline:
    data = dialog_data("dialogs/nlu/common.yml", "dialogs/nlu/bank.yml")
    faq = [
        (
            "What are your opening hours?",
            "Our branches are open from nine to five, Monday to Friday.",
        ),
        (
            "Where is the nearest branch?",
            "You can find every branch on our website's branch finder.",
        ),
        ("How do I activate my new card?", "Use it once at any cash machine with your PIN."),
        (
            "Is there a fee for international transfers?",
            "International transfers cost five dollars.",
        ),
    ]
    return NluPipeline.train(data.merge(NluTrainingData(faq=faq)))


@pytest.fixture(scope="session")
def appointment_nlu() -> NluPipeline:
    return NluPipeline.train(dialog_data("dialogs/nlu/common.yml", "dialogs/nlu/appointment.yml"))
