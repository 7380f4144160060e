"""The context a transfer carries to the agent: a flat str -> str mapping for SIP headers."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from voicebot.dialog.schema import SlotSpec

TRANSCRIPT_LINES = 6
MASK = "***"


def visible_slots(values: Mapping[str, Any], specs: Mapping[str, SlotSpec]) -> dict[str, Any]:
    """Slot values safe to show: sensitive ones (PINs) are masked, empty ones left out."""
    shown: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            continue
        spec = specs.get(name)
        shown[name] = MASK if spec is not None and spec.sensitive else value
    return shown


def transfer_context(
    *,
    dialog: str,
    state: str,
    intent: str | None,
    slots: Mapping[str, Any],
    transcript: Sequence[tuple[str, str]],
    reason: str,
) -> dict[str, str]:
    slot_text = ", ".join(f"{k}={v}" for k, v in slots.items()) or "none"
    summary = (
        f"{dialog}: intent {intent or 'none'}; slots {slot_text}; {reason or 'transfer'} in {state}"
    )
    lines = [f"{who}: {text}" for who, text in transcript[-TRANSCRIPT_LINES:]]
    return {
        "dialog": dialog,
        "state": state,
        "intent": intent or "",
        "reason": reason,
        "summary": summary,
        "slots": json.dumps(slots, default=str, sort_keys=True),
        "transcript": " | ".join(lines),
    }
