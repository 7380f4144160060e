"""The NLU of one dialog: intents, entities from its data, FAQ answers.

Training happens when a dialog loads; pipelines are cached in-process by the content hash of
their data and settings, so reloading an unchanged dialog (or many calls of one dialog) trains
once.

How an intent is decided: the classifier gives each of the dialog's intents (or the `expected`
ones) a probability among them, and a probability that the text is about something else
entirely (the background class of voicebot.nlu.out_of_scope). NO_MATCH when that out-of-scope
probability reaches OUT_OF_SCOPE_CUT or the best intent's confidence is below `threshold`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection
from typing import ClassVar

from voicebot.nlu.data_entities import DataEntityExtractor
from voicebot.nlu.entities.extract import warm_up as warm_up_entities
from voicebot.nlu.faq import DEFAULT_FAQ_THRESHOLD, FaqAnswer, FaqIndex
from voicebot.nlu.intent_classifier import IntentClassifier
from voicebot.nlu.out_of_scope import OUT_OF_SCOPE_EXAMPLES
from voicebot.nlu.text import normalize
from voicebot.nlu.training_data import NluTrainingData
from voicebot.nlu.understanding import NO_MATCH, Understanding

OUT_OF_SCOPE_CUT = 0.5  # chosen on the dev set (tests/fixtures/nlu/intent_eval.yaml)


class NluPipeline:
    """Use `NluPipeline.train(data)`; parse() and answer_faq() are safe to call from many tasks."""

    _cache: ClassVar[OrderedDict[tuple[str, float, float, bool], NluPipeline]] = OrderedDict()
    _cache_lock: ClassVar[threading.Lock] = threading.Lock()
    CACHE_SIZE: ClassVar[int] = 16

    def __init__(
        self,
        data: NluTrainingData,
        threshold: float = 0.5,
        faq_threshold: float = DEFAULT_FAQ_THRESHOLD,
        out_of_scope: bool = True,
    ) -> None:
        """Trains now, without the cache; prefer `NluPipeline.train`."""
        self.data = data
        self.threshold = threshold
        background = OUT_OF_SCOPE_EXAMPLES if out_of_scope else ()
        trainable = len(data.intents) + (1 if background else 0) >= 2
        self._classifier = IntentClassifier(data.intents, background) if trainable else None
        self._entities = DataEntityExtractor(data)
        examples = [e for texts in data.intents.values() for e in texts]
        self._faq = FaqIndex(data.faq, threshold=faq_threshold, background=examples)
        warm_up_entities()  # a dialog loads here; its first caller should not pay for it

    @classmethod
    def train(
        cls,
        data: NluTrainingData,
        *,
        threshold: float = 0.5,
        faq_threshold: float = DEFAULT_FAQ_THRESHOLD,
        out_of_scope: bool = True,
    ) -> NluPipeline:
        """A trained pipeline for `data`, from the in-process cache when the same data was trained
        before. `threshold`: below this intent confidence, parse() says NO_MATCH. `out_of_scope`:
        train the background class of unrelated sentences (recommended). CPU-bound (about 0.1 s
        for a few hundred examples): call it off the event loop."""
        key = (data.content_hash(), threshold, faq_threshold, out_of_scope)
        with cls._cache_lock:
            if key in cls._cache:
                cls._cache.move_to_end(key)
                return cls._cache[key]
        pipeline = cls(data, threshold, faq_threshold, out_of_scope)
        with cls._cache_lock:
            cls._cache[key] = pipeline
            while len(cls._cache) > cls.CACHE_SIZE:
                cls._cache.popitem(last=False)
        return pipeline

    @property
    def intents(self) -> tuple[str, ...]:
        return tuple(self.data.intents)

    def parse(self, text: str, *, expected: Collection[str] | None = None) -> Understanding:
        """The caller's intent and entities. `expected`: the intents that make sense in the
        current dialog state (including global ones such as agent or goodbye); the best of those
        is chosen, with its confidence renormalized among them."""
        entities = self._entities.extract(text)
        intent, confidence = self._best_intent(text, expected)
        if confidence < self.threshold:
            intent = NO_MATCH
        return Understanding(intent=intent, confidence=confidence, entities=entities, text=text)

    def rank(
        self, text: str, *, expected: Collection[str] | None = None
    ) -> list[tuple[str, float]]:
        """The intents with their confidences among the intents, best first (for traces)."""
        if self._classifier is None or not normalize(text):
            return []
        return self._classifier.rank(text, expected)[0]

    def answer_faq(self, text: str) -> FaqAnswer | None:
        """The answer to the most similar FAQ question, or None below the FAQ threshold."""
        return self._faq.answer(text)

    def _best_intent(self, text: str, expected: Collection[str] | None) -> tuple[str, float]:
        if self._classifier is None or not normalize(text):
            return NO_MATCH, 0.0
        ranked, out_of_scope = self._classifier.rank(text, expected)
        if not ranked:
            return NO_MATCH, 0.0
        intent, confidence = ranked[0]
        if out_of_scope >= OUT_OF_SCOPE_CUT:
            # Reported as the intent's share of all probability, below any sensible threshold.
            return NO_MATCH, confidence * (1.0 - out_of_scope)
        return intent, confidence
