"""Drive a whole call on a FakeClock: no real sleeps, every timestamp exact."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import numpy as np
import pytest

from voicebot.clock import FakeClock
from voicebot.conversation.call import Conversation
from voicebot.conversation.events import ConversationEvent
from voicebot.conversation.file_leg import WavFileLeg
from voicebot.conversation.metrics import CallRecord
from voicebot.conversation.rule_dialog import RuleDialog, RuleSession, demo_dialog

from .fakes import fake_services


@dataclass
class CallRun:
    record: CallRecord
    leg: WavFileLeg
    session: RuleSession
    events: list[ConversationEvent] = field(default_factory=list)

    def of_type(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]


async def drive(clock: FakeClock, task: asyncio.Task, max_seconds: float) -> None:
    for _ in range(round(max_seconds / 0.02)):
        if task.done():
            return
        await clock.advance(0.02)
    raise AssertionError(f"the call did not end within {max_seconds} s of call time")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1000.0)


@pytest.fixture
def run_call(clock):
    async def run(
        audio: np.ndarray,
        *,
        dialog: RuleDialog | None = None,
        recognizer: object | None = None,
        keys: tuple[tuple[float, str], ...] = (),
        max_seconds: float = 60.0,
        **settings: object,
    ) -> CallRun:
        dialog = dialog or demo_dialog()
        session = dialog.new_session()
        leg = WavFileLeg(audio, clock, keys=keys, bot_quiet_s=1.0)
        services = fake_services(clock, recognizer, **settings)
        events: list[ConversationEvent] = []
        conversation = Conversation(
            leg, session, services, on_event=events.append, dialog_name=dialog.name
        )
        task = asyncio.create_task(conversation.run())
        await drive(clock, task, max_seconds)
        return CallRun(await task, leg, session, events)

    return run
