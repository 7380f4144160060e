"""The NLU of one dialog: intents, entities from its data, FAQ answers.

Training happens when a dialog loads; pipelines are cached in-process by the content hash of
their data, so reloading an unchanged dialog (or many calls of one dialog) trains once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection
from typing import ClassVar

from voicebot.nlu.data_entities import DataEntityExtractor
from voicebot.nlu.faq import DEFAULT_FAQ_THRESHOLD, FaqAnswer, FaqIndex
from voicebot.nlu.intent_classifier import IntentClassifier
from voicebot.nlu.text import normalize
from voicebot.nlu.training_data import NluTrainingData
from voicebot.nlu.understanding import NO_MATCH, Understanding


class NluPipeline:
    """Use `NluPipeline.train(data)`; parse() and answer_faq() are safe to call from many tasks."""

    _cache: ClassVar[OrderedDict[tuple[str, float, float], NluPipeline]] = OrderedDict()
    _cache_lock: ClassVar[threading.Lock] = threading.Lock()
    CACHE_SIZE: ClassVar[int] = 16

    def __init__(
        self,
        data: NluTrainingData,
        threshold: float = 0.5,
        faq_threshold: float = DEFAULT_FAQ_THRESHOLD,
    ) -> None:
        """Trains now, without the cache; prefer `NluPipeline.train`."""
        self.data = data
        self.threshold = threshold
        self._classifier = IntentClassifier(data.intents) if len(data.intents) >= 2 else None
        self._single_intent = next(iter(data.intents), None) if len(data.intents) == 1 else None
        self._entities = DataEntityExtractor(data)
        examples = [e for texts in data.intents.values() for e in texts]
        self._faq = FaqIndex(data.faq, threshold=faq_threshold, background=examples)

    @classmethod
    def train(
        cls,
        data: NluTrainingData,
        *,
        threshold: float = 0.5,
        faq_threshold: float = DEFAULT_FAQ_THRESHOLD,
    ) -> NluPipeline:
        """A trained pipeline for `data`, from the in-process cache when the same data was trained
        before. `threshold`: below this intent confidence, parse() says NO_MATCH. CPU-bound
        (well under a second for a few hundred examples): call it off the event loop."""
        key = (data.content_hash(), threshold, faq_threshold)
        with cls._cache_lock:
            if key in cls._cache:
                cls._cache.move_to_end(key)
                return cls._cache[key]
        pipeline = cls(data, threshold, faq_threshold)
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
        is chosen, with its probability renormalized among them."""
        entities = self._entities.extract(text)
        intent, confidence = self._best_intent(text, expected)
        if confidence < self.threshold:
            intent = NO_MATCH
        return Understanding(intent=intent, confidence=confidence, entities=entities, text=text)

    def rank(
        self, text: str, *, expected: Collection[str] | None = None
    ) -> list[tuple[str, float]]:
        """All intents with their confidences, best first (for traces and debugging)."""
        if self._classifier is None or not normalize(text):
            return []
        return self._classifier.rank(text, expected)

    def answer_faq(self, text: str) -> FaqAnswer | None:
        """The answer to the most similar FAQ question, or None below the FAQ threshold."""
        return self._faq.answer(text)

    def _best_intent(self, text: str, expected: Collection[str] | None) -> tuple[str, float]:
        if not normalize(text):
            return NO_MATCH, 0.0
        if self._classifier is None:
            # One intent cannot be told apart from anything else: it matches only its examples.
            if self._single_intent is None:
                return NO_MATCH, 0.0
            examples = {normalize(e) for e in self.data.intents[self._single_intent]}
            allowed = expected is None or self._single_intent in expected
            return (
                (self._single_intent, 1.0)
                if allowed and normalize(text) in examples
                else (NO_MATCH, 0.0)
            )
        ranked = self._classifier.rank(text, expected)
        return ranked[0] if ranked else (NO_MATCH, 0.0)
