"""NLU quality and speed on the labelled sets in tests/fixtures/nlu/: intent accuracy (with
ASR-style errors), out-of-domain rejection, digit-string and date accuracy, time per utterance,
training time.

Intent accuracy is measured twice: with a pipeline trained here on the training files an
evaluation section names, and with the NLU each example dialog really loads (`load_dialog(...)`:
its own examples, its Rasa files, its FAQ); the second is what callers of the shipped dialogs
get.

Time per utterance is printed both as wall time and as the thread's CPU time: on a shared,
loaded machine the wall-time p99 mostly measures the scheduler (a preempted parse waits a
whole time slice), the CPU time what the NLU itself costs."""

from __future__ import annotations

import os
import statistics
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from benchmarks.figures import Figure
from voicebot.nlu import (
    NO_MATCH,
    NluPipeline,
    NluTrainingData,
    extract_entity,
    load_faq_markdown,
    load_rasa_nlu,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "nlu"  # labelled sets; names in them are from ROOT


def load_yaml(name: str) -> Any:
    return yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))


def training_data(files: list[str]) -> NluTrainingData:
    data = NluTrainingData()
    for name in files:
        data = data.merge(load_rasa_nlu(ROOT / name))
    return data


def intent_results(eval_file: str, pipelines: dict[str, NluPipeline]) -> tuple[int, int, int, int]:
    """(in-domain correct, in-domain total, out-of-domain rejected, out-of-domain total)."""
    correct = total = rejected = ood = 0
    for dialog, section in load_yaml(eval_file).items():
        pipeline = pipelines[dialog]
        for intent, utterances in section["utterances"].items():
            for text in utterances:
                total += 1
                correct += pipeline.parse(text).intent == intent
        for text in section.get("no_match", []):
            ood += 1
            rejected += pipeline.parse(text).intent == NO_MATCH
    return correct, total, rejected, ood


def shipped_dialog_figures() -> list[Figure]:
    """Intent accuracy of each example dialog's own NLU (as `load_dialog` trains it) on the
    labelled utterances of that dialog, dev and held-out sets together."""
    from voicebot.dialog import load_dialog

    sets = [load_yaml("intent_eval.yaml"), load_yaml("intent_holdout.yaml")]
    figures = []
    for name, section in sets[0].items():
        pipeline = load_dialog(ROOT / section["dialog"]).nlu
        counts = []
        for labelled in sets:
            texts = [(t, i) for i, ts in labelled[name]["utterances"].items() for t in ts]
            counts.append((sum(pipeline.parse(t).intent == i for t, i in texts), len(texts)))
        (dev_right, dev_total), (held_right, held_total) = counts
        right, total = dev_right + held_right, dev_total + held_total
        figures.append(
            Figure(
                f"intent accuracy, {section['dialog']} as shipped (dev; held-out)",
                f"{percent(right, total)}: {percent(dev_right, dev_total)}; "
                f"{percent(held_right, held_total)}",
                ">= 95 %",
                right / total >= 0.95,
            )
        )
    return figures


def digits_accuracy() -> tuple[int, int]:
    cases = load_yaml("digits_eval.yaml")
    now = datetime(2026, 3, 4, 15, 0)
    right = 0
    for text, expected in cases:
        entity = extract_entity("digits", str(text), now=now)
        right += entity is not None and entity.value == expected
    return right, len(cases)


def faq_accuracy() -> tuple[int, int]:
    """Right answer (or rightly none) for questions asked in other words than bank_faq.md's."""
    spec = load_yaml("faq_eval.yaml")
    faq = NluTrainingData(faq=load_faq_markdown(ROOT / spec["faq"]))
    pipeline = NluPipeline(training_data(spec["training"]).merge(faq))
    right = 0
    for asked, question in spec["cases"]:
        answer = pipeline.answer_faq(asked)
        right += (answer.question if answer else None) == question
    return right, len(spec["cases"])


def render(slot_type: str, value: Any) -> str:
    if slot_type == "date":
        return value.isoformat()
    if slot_type == "time":
        return value.strftime("%H:%M")
    return value.strftime("%Y-%m-%dT%H:%M")


def dates_accuracy() -> tuple[int, int]:
    spec = load_yaml("dates_eval.yaml")
    now = datetime.fromisoformat(spec["now"])
    right = 0
    for slot_type, text, expected in spec["cases"]:
        entity = extract_entity(slot_type, str(text), now=now, tz=spec["tz"])
        right += entity is not None and render(slot_type, entity.value) == expected
    return right, len(spec["cases"])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[int(fraction * (len(ordered) - 1))]


def percent(right: int, total: int) -> str:
    return f"{100 * right / total:.1f} % ({right}/{total})"


def run() -> list[Figure]:
    sections = load_yaml("intent_eval.yaml")
    pipelines: dict[str, NluPipeline] = {}
    train_seconds = []
    for dialog, section in sections.items():
        data = training_data(section["training"])
        started = time.perf_counter()
        pipelines[dialog] = NluPipeline(data)  # trains now, bypassing the cache
        train_seconds.append(time.perf_counter() - started)

    correct, total, rejected, ood = intent_results("intent_eval.yaml", pipelines)
    hold_correct, hold_total, hold_rejected, hold_ood = intent_results(
        "intent_holdout.yaml", pipelines
    )
    digits_right, digits_total = digits_accuracy()
    dates_right, dates_total = dates_accuracy()
    faq_right, faq_total = faq_accuracy()

    texts = [
        (dialog, text)
        for dialog, section in sections.items()
        for utterances in section["utterances"].values()
        for text in utterances
    ]
    for dialog, text in texts[:20]:  # warm up caches before timing
        pipelines[dialog].parse(text)
    wall_ms: list[float] = []
    cpu_ms: list[float] = []
    for _ in range(5):
        for dialog, text in texts:
            wall_started, cpu_started = time.perf_counter(), time.thread_time()
            pipelines[dialog].parse(text)
            cpu_ms.append((time.thread_time() - cpu_started) * 1000)
            wall_ms.append((time.perf_counter() - wall_started) * 1000)
    p50 = statistics.median(wall_ms)
    p99 = percentile(wall_ms, 0.99)
    cpu_p99 = percentile(cpu_ms, 0.99)
    load = os.getloadavg()[0]
    accuracy = correct / total
    return [
        Figure(
            "intent accuracy, dev set with ASR errors",
            percent(correct, total),
            ">= 95 %",
            accuracy >= 0.95,
        ),
        Figure(
            "intent accuracy, held-out set (training data never tuned on it)",
            percent(hold_correct, hold_total),
            ">= 95 %",
            hold_correct / hold_total >= 0.95,
        ),
        *shipped_dialog_figures(),
        Figure(
            "out-of-domain rejected (no_match)", percent(rejected + hold_rejected, ood + hold_ood)
        ),
        Figure("digit strings accuracy", percent(digits_right, digits_total)),
        Figure("date/time accuracy", percent(dates_right, dates_total)),
        Figure("FAQ answer accuracy (paraphrases + unrelated)", percent(faq_right, faq_total)),
        Figure("NLU parse p50 per utterance (wall)", f"{p50:.2f} ms"),
        Figure(
            f"NLU parse p99 per utterance (wall, load avg {load:.1f})",
            f"{p99:.2f} ms",
            "<= 5 ms",
            p99 <= 5.0,
        ),
        Figure(
            "NLU parse p99 per utterance (CPU time of the thread)",
            f"{cpu_p99:.2f} ms",
            "<= 5 ms",
            cpu_p99 <= 5.0,
        ),
        Figure(
            "training one dialog (slowest of 3)",
            f"{max(train_seconds):.2f} s",
            "<= 2 s",
            max(train_seconds) <= 2.0,
        ),
    ]
