"""Less common paths: keys collected silently, a dialog that fails, a call cancelled by its server."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from voicebot.conversation.call import Conversation
from voicebot.conversation.file_leg import WavFileLeg
from voicebot.dialog.protocol import (
    Action,
    CallerPressed,
    CallStarted,
    DialogEvent,
    DialogTrace,
    Hangup,
    InputTimeout,
    Listen,
    Say,
)

from .conftest import drive
from .fakes import fake_services, silence


class PinCollector:
    """Asks for a PIN, collects keys without speaking, reads back what it got after a pause."""

    def __init__(self) -> None:
        self.digits = ""
        self.events: list[DialogEvent] = []

    def trace(self) -> DialogTrace:
        return DialogTrace("collect_pin", slots={"pin": self.digits})

    async def respond(self, event: DialogEvent) -> AsyncIterator[Action]:
        self.events.append(event)
        match event:
            case CallStarted():
                yield Say("Key in your PIN.")
                yield Listen(no_input_timeout=5.0, inter_digit_timeout=2.0)
            case CallerPressed(digit=digit):
                self.digits += digit  # nothing said: the caller is still typing
            case InputTimeout(kind="inter_digit"):
                yield Say(f"Got {len(self.digits)} digits.")
                yield Hangup("pin_entered")
            case InputTimeout():
                yield Hangup("no_pin")


class Broken:
    def trace(self) -> DialogTrace:
        return DialogTrace("broken")

    async def respond(self, event: DialogEvent) -> AsyncIterator[Action]:
        yield Say("Hello.")
        raise RuntimeError("the backend schema changed")


async def run(clock, session, audio, keys=(), seconds=30.0):
    leg = WavFileLeg(audio, clock, keys=keys, bot_quiet_s=5.0)
    task = asyncio.create_task(Conversation(leg, session, fake_services(clock)).run())
    await drive(clock, task, seconds)
    return await task, leg


async def test_keys_without_a_reply_end_with_an_inter_digit_timeout(clock):
    session = PinCollector()
    record, leg = await run(
        clock, session, silence(12.0), keys=((2.0, "4"), (2.5, "2"), (3.0, "7"))
    )
    assert session.digits == "427"
    assert session.events[-1] == InputTimeout("inter_digit")
    assert [t.trigger for t in record.turns] == [
        "call_started",
        "pressed",
        "pressed",
        "pressed",
        "inter_digit",
    ]
    # 2 s after the last key
    assert record.turns[-1].reply_ready == pytest.approx(leg.start + 3.0 + 2.0)
    assert record.outcome == "pin_entered"
    assert record.turns[-1].bot_text == "Got 3 digits."


async def test_a_failing_dialog_fails_the_call_and_hangs_up(clock):
    record, leg = await run(clock, Broken(), silence(5.0))
    assert record.outcome == "failed"
    assert "backend schema changed" in record.end_reason
    assert leg.log.hangup_reason == "error"


async def test_a_call_cancelled_by_its_server_says_so(clock):
    leg = WavFileLeg(silence(30.0), clock)
    conversation = Conversation(leg, PinCollector(), fake_services(clock))
    task = asyncio.create_task(conversation.run())
    await clock.advance(1.0)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled()
    assert conversation.record.outcome == "cancelled"
    assert conversation.record.ended_at is not None
