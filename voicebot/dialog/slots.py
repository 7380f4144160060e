"""Turning caller input into a slot value: speech through the NLU's entity extractors, keys
through a digit buffer (`#` ends it, `*` clears it, a full buffer ends itself)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from voicebot.dialog.schema import SlotSpec

KEYPAD_TYPES = frozenset({"digits", "number", "phone", "money", "yes_no", "enum", "text"})


def slot_options(slot: SlotSpec) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for name in ("length", "min_length", "max_length", "min", "max", "pattern", "values"):
        value = getattr(slot, name)
        if value is not None:
            options[name] = value
    return options


def extract_slot_value(slot: SlotSpec, text: str, *, now: dt.datetime, tz: str) -> Any | None:
    from voicebot.nlu import extract_entity

    entity = extract_entity(slot.type, text, now=now, tz=tz, options=slot_options(slot))
    return None if entity is None else entity.value


def keypad_text(slot: SlotSpec, keys: str) -> str:
    """What a key sequence means for a slot: 1 is yes and 2 is no for yes/no questions."""
    if slot.type == "yes_no":
        return {"1": "yes", "2": "no"}.get(keys, keys)
    return keys


@dataclass(slots=True)
class DigitBuffer:
    keys: list[str] = field(default_factory=list)

    def press(self, key: str, max_length: int | None) -> bool:
        """Add a key; True when the entry is complete (`#`, or `max_length` digits)."""
        if key == "#":
            return True
        if key == "*":
            self.keys.clear()
            return False
        self.keys.append(key)
        return max_length is not None and len(self.keys) >= max_length

    def take(self) -> str:
        text = "".join(self.keys)
        self.keys.clear()
        return text

    def __bool__(self) -> bool:
        return bool(self.keys)


def max_keys(slot: SlotSpec) -> int | None:
    if slot.type == "yes_no":
        return 1
    return slot.length or slot.max_length
