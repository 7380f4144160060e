"""What the NLU made of one caller input."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NO_MATCH = "no_match"


@dataclass(frozen=True, slots=True)
class Entity:
    type: (
        str  # "digits", "number", "date", "time", "money", "yes_no", "phone", a custom list name...
    )
    value: Any  # normalized: "4566", 42, datetime.date, "yes", "+15551234567", canonical list value
    text: str = ""  # the words it came from
    start: int = 0  # character offsets in the input text
    end: int = 0


@dataclass(frozen=True, slots=True)
class Understanding:
    intent: str
    confidence: float
    entities: tuple[Entity, ...] = field(default_factory=tuple)
    text: str = ""

    @property
    def matched(self) -> bool:
        return self.intent != NO_MATCH

    def entity(self, type_: str) -> Entity | None:
        return next((e for e in self.entities if e.type == type_), None)
