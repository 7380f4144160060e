"""Entities defined by a dialog's training data: regexes, lookup tables and synonyms.

Lookup tables are matched fuzzily (ASR writes "saving" for "savings"); a synonym whose canonical
value is in a table is matched as that table's entity too and reported with the canonical value;
a regex entity's value is its `value` group, else group 1, else the whole match.
"""

from __future__ import annotations

import re

from voicebot.nlu.entities.fuzzy_lists import FuzzyList
from voicebot.nlu.errors import NluDataError
from voicebot.nlu.training_data import NluTrainingData
from voicebot.nlu.understanding import Entity


class DataEntityExtractor:
    def __init__(self, data: NluTrainingData, fuzzy_cutoff: float = 85.0) -> None:
        self._synonyms = {
            variant.lower(): canonical for variant, canonical in data.synonyms.items()
        }
        self._regexes: list[tuple[str, re.Pattern[str]]] = []
        for name, pattern in data.regexes.items():
            try:
                self._regexes.append((name, re.compile(pattern, re.IGNORECASE)))
            except re.error as exc:
                raise NluDataError(f"regex for entity {name!r} does not compile: {exc}") from exc
        self._lists: list[tuple[str, FuzzyList]] = []
        for name, values in data.lookups.items():
            table: dict[str, list[str]] = {value: [] for value in values}
            for variant, canonical in data.synonyms.items():
                if canonical in table:
                    table[canonical].append(variant)
            self._lists.append((name, FuzzyList(table, cutoff=fuzzy_cutoff)))

    def extract(self, text: str) -> tuple[Entity, ...]:
        found: list[Entity] = []
        for name, pattern in self._regexes:
            for match in pattern.finditer(text):
                groups = match.groupdict()
                span = "value" if "value" in groups else (1 if match.groups() else 0)
                value = match.group(span)
                if value:
                    found.append(
                        Entity(
                            name, self._canonical(value), value, match.start(span), match.end(span)
                        )
                    )
        for name, table in self._lists:
            for item in table.find_all(text):
                if not any(e.start < item.end and item.start < e.end for e in found):
                    found.append(Entity(name, item.value, item.text, item.start, item.end))
        return tuple(sorted(found, key=lambda e: e.start))

    def _canonical(self, value: str) -> str:
        return self._synonyms.get(value.lower(), value)
