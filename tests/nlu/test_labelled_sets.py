"""The labelled evaluation sets are big enough, honest (no training example among them) and the
NLU does well on them. The figures themselves are printed by `make bench` (benchmarks/bench_nlu.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml

from voicebot.dialog import load_dialog
from voicebot.nlu import NO_MATCH, NluPipeline, extract_entity
from voicebot.nlu.out_of_scope import OUT_OF_SCOPE_EXAMPLES
from voicebot.nlu.text import normalize

from .conftest import ROOT, dialog_data


def load(fixtures_dir: Path, name: str) -> dict:
    return yaml.safe_load((fixtures_dir / name).read_text(encoding="utf-8"))


def utterances(section: dict) -> list[tuple[str, str]]:
    return [(text, intent) for intent, texts in section["utterances"].items() for text in texts]


def dialog_nlu(section: dict) -> NluPipeline:
    """The NLU of the example dialog an evaluation section is about, as load_dialog trains it."""
    return load_dialog(ROOT / section["dialog"]).nlu


@pytest.mark.parametrize("eval_file", ["intent_eval.yaml", "intent_holdout.yaml"])
def test_no_evaluation_utterance_is_a_training_example(fixtures_dir: Path, eval_file: str) -> None:
    for dialog, section in load(fixtures_dir, eval_file).items():
        # the training files, and everything the shipped dialog trains on (its inline examples too)
        for data in (dialog_data(*section["training"]), dialog_nlu(section).data):
            trained = {normalize(e) for examples in data.intents.values() for e in examples}
            leaked = [text for text, _ in utterances(section) if normalize(text) in trained]
            assert leaked == [], f"{eval_file} {dialog}: training examples in the evaluation set"
            for _, intent in utterances(section):
                assert intent in data.intents, f"{eval_file} {dialog}: unknown intent {intent}"


def test_the_training_files_are_the_ones_the_dialogs_load(fixtures_dir: Path) -> None:
    for dialog, section in load(fixtures_dir, "intent_eval.yaml").items():
        spec = load_dialog(ROOT / section["dialog"]).spec
        assert spec.rasa is not None, dialog
        loaded = [(ROOT / section["dialog"]).parent / name for name in spec.rasa.nlu]
        assert [path.resolve() for path in loaded] == [ROOT / f for f in section["training"]]


@pytest.mark.parametrize("eval_file", ["intent_eval.yaml", "intent_holdout.yaml"])
def test_out_of_domain_utterances_are_not_background_examples(
    fixtures_dir: Path, eval_file: str
) -> None:
    background = {normalize(text) for text in OUT_OF_SCOPE_EXAMPLES}
    for section in load(fixtures_dir, eval_file).values():
        assert [t for t in section["no_match"] if normalize(t) in background] == []


def test_held_out_set_shares_nothing_with_the_dev_set(fixtures_dir: Path) -> None:
    dev = {
        normalize(t)
        for s in load(fixtures_dir, "intent_eval.yaml").values()
        for t, _ in utterances(s)
    }
    held = [t for s in load(fixtures_dir, "intent_holdout.yaml").values() for t, _ in utterances(s)]
    assert [t for t in held if normalize(t) in dev] == []


def test_set_sizes(fixtures_dir: Path) -> None:
    dev = load(fixtures_dir, "intent_eval.yaml")
    assert sum(len(utterances(section)) for section in dev.values()) >= 300
    assert len(load(fixtures_dir, "digits_eval.yaml")) >= 60
    assert len(load(fixtures_dir, "dates_eval.yaml")["cases"]) >= 40


def test_dev_set_intent_accuracy(fixtures_dir: Path) -> None:
    right = total = 0
    for section in load(fixtures_dir, "intent_eval.yaml").values():
        pipeline = NluPipeline.train(dialog_data(*section["training"]))
        for text, intent in utterances(section):
            total += 1
            right += pipeline.parse(text).intent == intent
        rejected = sum(pipeline.parse(t).intent == NO_MATCH for t in section["no_match"])
        assert rejected >= len(section["no_match"]) * 0.8
    assert right / total >= 0.95


def test_each_dialogs_own_pipeline_on_its_labelled_utterances(fixtures_dir: Path) -> None:
    """What the shipped dialogs understand: load_dialog's NLU, not a pipeline built here."""
    for dialog, section in load(fixtures_dir, "intent_eval.yaml").items():
        pipeline = dialog_nlu(section)
        labelled = utterances(section)
        right = sum(pipeline.parse(text).intent == intent for text, intent in labelled)
        assert right / len(labelled) >= 0.95, f"{dialog}: {right}/{len(labelled)}"


def test_digit_and_date_sets(fixtures_dir: Path) -> None:
    for text, expected in load(fixtures_dir, "digits_eval.yaml"):
        entity = extract_entity("digits", str(text), now=datetime(2026, 1, 1))
        assert entity is not None and entity.value == expected, text
    spec = load(fixtures_dir, "dates_eval.yaml")
    now = datetime.fromisoformat(spec["now"])
    formats = {"date": "%Y-%m-%d", "time": "%H:%M", "datetime": "%Y-%m-%dT%H:%M"}
    for slot_type, text, expected in spec["cases"]:
        entity = extract_entity(slot_type, str(text), now=now, tz=spec["tz"])
        assert entity is not None and entity.value.strftime(formats[slot_type]) == expected, text
