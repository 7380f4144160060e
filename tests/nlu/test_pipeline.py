from __future__ import annotations

import numpy as np
import pytest

from voicebot.nlu import NO_MATCH, NluDataError, NluPipeline, NluTrainingData
from voicebot.nlu.intent_classifier import IntentClassifier
from voicebot.nlu.text import normalize


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("what's my balance please", "check_balance"),
        ("check my balanced", "check_balance"),  # ASR: "balance" heard as "balanced"
        ("I lost my cart", "lost_card"),  # ASR: "card" heard as "cart"
        ("my credit card got stolen", "lost_card"),
        ("I'd like to speak to a person", "agent"),
        ("could you say that again", "repeat"),
        ("bye bye", "goodbye"),
        ("send money to my savings account", "transfer_money"),
        ("I forgot my pin code", "change_pin"),
    ],
)
def test_parse_finds_the_intent(bank_nlu: NluPipeline, text: str, intent: str) -> None:
    understanding = bank_nlu.parse(text)
    assert understanding.intent == intent
    assert understanding.matched
    assert 0.5 <= understanding.confidence <= 1.0
    assert understanding.text == text


@pytest.mark.parametrize(
    "text", ["what's the weather like in Paris", "do you sell pizza", "the cat sat on the mat"]
)
def test_out_of_domain_text_is_no_match(bank_nlu: NluPipeline, text: str) -> None:
    understanding = bank_nlu.parse(text)
    assert understanding.intent == NO_MATCH
    assert not understanding.matched
    assert understanding.confidence < bank_nlu.threshold


def test_empty_text_is_no_match_with_zero_confidence(bank_nlu: NluPipeline) -> None:
    assert bank_nlu.parse("  ...  ").intent == NO_MATCH
    assert bank_nlu.parse("").confidence == 0.0


def test_expected_restricts_to_the_intents_of_the_state(appointment_nlu: NluPipeline) -> None:
    # Asked "can you make it?", a bare "yes" means confirm; without that context it is "yes".
    assert appointment_nlu.parse("yes").intent == "yes"
    in_state = appointment_nlu.parse("yes", expected={"confirm", "reschedule", "cancel", "agent"})
    assert in_state.intent == "confirm"
    assert in_state.confidence >= 0.5


def test_an_intent_named_twice_in_expected_counts_once(bank_nlu: NluPipeline) -> None:
    once = bank_nlu.parse("bye", expected=["goodbye", "agent"])
    twice = bank_nlu.parse("bye", expected=["goodbye", "agent", "goodbye", "agent"])
    assert twice.intent == once.intent == "goodbye"
    assert twice.confidence == pytest.approx(once.confidence)
    ranked = bank_nlu.rank("bye", expected=["goodbye", "goodbye"])
    assert ranked == [("goodbye", pytest.approx(1.0))]


def test_expected_with_unknown_intents_only_gives_no_match(bank_nlu: NluPipeline) -> None:
    assert bank_nlu.parse("check my balance", expected={"not_an_intent"}).intent == NO_MATCH


def test_rank_lists_every_intent_best_first(bank_nlu: NluPipeline) -> None:
    ranking = bank_nlu.rank("I lost my card")
    assert ranking[0][0] == "lost_card"
    assert sorted(name for name, _ in ranking) == sorted(bank_nlu.intents)
    assert abs(sum(p for _, p in ranking) - 1.0) < 1e-9


def test_entities_from_lookup_tables_synonyms_and_regexes(bank_nlu: NluPipeline) -> None:
    understanding = bank_nlu.parse("move money from my saving account to checking 123456789")
    by_type = {(e.type, e.value) for e in understanding.entities}
    assert ("account_type", "savings") in by_type  # synonym "saving account" -> savings
    assert ("account_type", "checking") in by_type
    assert ("account_number", "123456789") in by_type
    number = understanding.entity("account_number")
    assert number is not None
    assert understanding.text[number.start : number.end] == "123456789"


def test_lookup_values_are_matched_fuzzily(bank_nlu: NluPipeline) -> None:
    entity = bank_nlu.parse("balance of my checkin please").entity("account_type")
    assert entity is not None
    assert entity.value == "checking"
    assert entity.text == "checkin"


def test_training_is_cached_by_content() -> None:
    data = NluTrainingData(intents={"a": ["alpha one", "alpha two"], "b": ["beta one", "beta two"]})
    same = NluTrainingData(intents={"a": ["alpha one", "alpha two"], "b": ["beta one", "beta two"]})
    other = NluTrainingData(intents={"a": ["alpha one"], "b": ["beta one", "beta two"]})
    assert NluPipeline.train(data) is NluPipeline.train(same)
    assert NluPipeline.train(data) is not NluPipeline.train(other)
    assert NluPipeline.train(data, threshold=0.7) is not NluPipeline.train(data)


def test_a_dialog_with_one_intent_still_rejects_unrelated_text() -> None:
    pipeline = NluPipeline.train(
        NluTrainingData(intents={"start": ["start", "let's begin", "begin please", "go"]})
    )
    assert pipeline.parse("Let's start!").intent == "start"
    assert pipeline.parse("what's the weather in rome").intent == NO_MATCH


def test_without_the_out_of_scope_class_a_single_intent_is_not_trainable() -> None:
    pipeline = NluPipeline.train(
        NluTrainingData(intents={"start": ["start", "begin"]}), out_of_scope=False
    )
    assert pipeline.parse("start").intent == NO_MATCH
    assert pipeline.rank("start") == []


def test_out_of_scope_class_can_be_turned_off(bank_nlu: NluPipeline) -> None:
    plain = NluPipeline.train(bank_nlu.data, out_of_scope=False)
    assert plain is not bank_nlu
    assert plain.parse("I lost my card").intent == "lost_card"


def test_merge_appends_without_duplicates_and_later_wins() -> None:
    first = NluTrainingData(
        intents={"greet": ["hi"]}, synonyms={"cheque": "checking"}, regexes={"pin": r"\d{4}"}
    )
    second = NluTrainingData(
        intents={"greet": ["hi", "hello"], "bye": ["bye"]},
        regexes={"pin": r"\d{6}"},
        faq=[("q", "a")],
    )
    merged = first.merge(second)
    assert merged.intents == {"greet": ["hi", "hello"], "bye": ["bye"]}
    assert merged.synonyms == {"cheque": "checking"}
    assert merged.regexes == {"pin": r"\d{6}"}
    assert merged.faq == [("q", "a")]
    assert first.intents == {"greet": ["hi"]}  # inputs untouched
    assert merged.content_hash() != first.content_hash()


def test_fast_probabilities_equal_scikit_learns() -> None:
    classifier = IntentClassifier(
        {
            "balance": ["what's my balance", "how much money do I have"],
            "card": ["I lost my card", "block my card"],
            "agent": ["talk to a person", "agent please"],
        }
    )
    for text in ["check my balanced", "I lost my cart", "zzz", "agent"]:
        fast = classifier.probabilities(normalize(text))
        reference = classifier.sklearn_probabilities(normalize(text))
        assert np.allclose(fast, reference, atol=1e-9)


def test_two_intents_fast_path_equals_scikit_learn() -> None:
    classifier = IntentClassifier({"yes": ["yes", "yeah sure"], "no": ["no", "nope not really"]})
    for text in ["yeah", "nope", "maybe"]:
        assert np.allclose(
            classifier.probabilities(normalize(text)),
            classifier.sklearn_probabilities(normalize(text)),
            atol=1e-9,
        )


def test_a_regex_that_does_not_compile_fails_training() -> None:
    data = NluTrainingData(intents={"a": ["alpha"], "b": ["beta"]}, regexes={"pin": r"(\d{4}"})
    with pytest.raises(NluDataError, match="regex for entity 'pin' does not compile"):
        NluPipeline.train(data)
