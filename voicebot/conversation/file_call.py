"""Run one conversation over a caller WAV: what `voicebot call` and the benchmarks share.

On a VirtualClock the call runs as fast as the CPU allows (its driver task runs beside the call); on
a MonotonicClock it runs in real time.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from voicebot.conversation.call import Conversation, EventSink
from voicebot.conversation.file_leg import WavFileLeg
from voicebot.conversation.metrics import CallRecord
from voicebot.conversation.rule_dialog import RULE_DIALOGS
from voicebot.conversation.services import CallServices
from voicebot.conversation.virtual_clock import VirtualClock
from voicebot.dialog.protocol import Dialog


def load_any_dialog(spec: str, **options: Any) -> Dialog:
    """`rule:NAME` for a built-in rule dialog, else a YAML path for voicebot.dialog.load_dialog.

    Raises KeyError for an unknown rule dialog, voicebot.dialog.DialogError for a broken YAML file.
    """
    if spec.startswith("rule:"):
        try:
            return RULE_DIALOGS[spec]()
        except KeyError:
            raise KeyError(
                f"unknown rule dialog {spec!r} (known: {', '.join(sorted(RULE_DIALOGS))})"
            ) from None
    from voicebot.dialog import load_dialog

    return load_dialog(spec, **options)


async def run_file_call(
    leg: WavFileLeg,
    dialog: Dialog,
    services: CallServices,
    *,
    variables: Mapping[str, Any] | None = None,
    on_event: EventSink | None = None,
) -> CallRecord:
    session = dialog.new_session(variables)
    conversation = Conversation(
        leg, session, services, on_event=on_event, variables=variables, dialog_name=dialog.name
    )
    clock = services.clock
    if not isinstance(clock, VirtualClock):
        return await conversation.run()
    async with asyncio.TaskGroup() as tasks:
        driver = tasks.create_task(clock.driver(), name="virtual clock")
        try:
            return await conversation.run()
        finally:
            driver.cancel()


def write_turns_jsonl(record: CallRecord, path: str | Path, origin: float | None = None) -> None:
    """One JSON object per turn, each with the call id and outcome for grepping across files.

    Timestamps are seconds from `origin` (default: the call's start), i.e. into the caller's WAV.
    """
    origin = record.started_at if origin is None else origin
    with open(path, "w", encoding="utf-8") as out:
        for turn in record.turns:
            line = {"call_id": record.call_id, "outcome": record.outcome, **turn.to_json(origin)}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
