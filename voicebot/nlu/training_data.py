"""The training data of one dialog's NLU: intents, synonyms, lookup tables, regexes and FAQ pairs."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class NluTrainingData:
    intents: dict[str, list[str]] = field(default_factory=dict)  # intent -> example texts
    synonyms: dict[str, str] = field(default_factory=dict)  # variant -> canonical value
    lookups: dict[str, list[str]] = field(default_factory=dict)  # table/entity name -> values
    regexes: dict[str, str] = field(default_factory=dict)  # entity name -> pattern
    faq: list[tuple[str, str]] = field(default_factory=list)  # (question, answer)

    def merge(self, other: NluTrainingData) -> NluTrainingData:
        """Both sets together; examples and values are appended without duplicates, `other` wins
        where a synonym or regex is defined twice."""
        intents = {name: list(examples) for name, examples in self.intents.items()}
        for name, examples in other.intents.items():
            intents[name] = _union(intents.get(name, []), examples)
        lookups = {name: list(values) for name, values in self.lookups.items()}
        for name, values in other.lookups.items():
            lookups[name] = _union(lookups.get(name, []), values)
        return NluTrainingData(
            intents=intents,
            synonyms={**self.synonyms, **other.synonyms},
            lookups=lookups,
            regexes={**self.regexes, **other.regexes},
            faq=_union(self.faq, other.faq),
        )

    def content_hash(self) -> str:
        """A digest of everything that affects training, for caching trained pipelines."""
        canonical = json.dumps(
            {
                "intents": self.intents,
                "synonyms": self.synonyms,
                "lookups": self.lookups,
                "regexes": self.regexes,
                "faq": [list(pair) for pair in self.faq],
            },
            sort_keys=True,
            ensure_ascii=False,
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _union(first: list[T], second: list[T]) -> list[T]:
    seen = set(first)
    merged = list(first)
    for item in second:
        if item not in seen:
            seen.add(item)
            merged.append(item)
    return merged
