"""CallRegistry: one task per call, event history for late subscribers, bounded fan-out, shutdown."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping

import pytest

from telephony.leg import LegEvent, LegHangup, TransferResult
from voicebot.api.calls import CallRegistry, EventChannel, UnknownCallError
from voicebot.audio import AudioFrame


class ScriptLeg:
    """A leg whose caller hangs up when the test says so."""

    def __init__(self, call_id: str) -> None:
        self.call_id = call_id
        self.remote_party = "test"
        self.closed = False
        self._hangup = asyncio.Event()

    async def events(self) -> AsyncIterator[LegEvent]:
        await self._hangup.wait()
        yield LegHangup()

    def caller_hangs_up(self) -> None:
        self._hangup.set()

    async def send_audio(self, frame: AudioFrame) -> None:
        pass

    async def hangup(self, reason: str = "bot hangup") -> None:
        self.caller_hangs_up()

    async def transfer(self, target: str, context: Mapping[str, str]) -> TransferResult:
        return TransferResult(False)

    async def close(self) -> None:
        self.closed = True


async def talking_runner(leg, dialog_name, variables, on_event):
    on_event({"type": "bot_speech", "text": f"hello from {dialog_name}"})
    async for event in leg.events():
        if isinstance(event, LegHangup):
            return {"outcome": "caller_hangup", "greeting": variables.get("greeting")}
    return None


async def test_a_call_runs_until_the_caller_hangs_up_and_its_leg_is_closed():
    registry = CallRegistry(talking_runner)
    leg = ScriptLeg("c1")
    call_id = registry.start_call(leg, "bank", {"greeting": "hi"})
    assert call_id == "c1" and len(registry) == 1
    leg.caller_hangs_up()
    assert await registry.wait_ended("c1") == {"outcome": "caller_hangup", "greeting": "hi"}
    assert len(registry) == 0 and leg.closed
    assert registry.get("c1").summary()["active"] is False  # recently ended calls stay readable


async def test_a_late_subscriber_gets_the_history_then_live_events_then_the_end():
    registry = CallRegistry(talking_runner)
    leg = ScriptLeg("c2")
    registry.start_call(leg, "bank")
    await asyncio.sleep(0)
    received = []

    async def read() -> None:
        async for event in registry.subscribe("c2"):
            received.append(event["type"])

    reader = asyncio.ensure_future(read())
    await asyncio.sleep(0)
    leg.caller_hangs_up()
    await asyncio.wait_for(reader, 2)
    assert received == ["call_started", "bot_speech", "call_ended"]


async def test_unknown_calls_are_refused_by_name():
    with pytest.raises(UnknownCallError, match="nope"):
        CallRegistry(talking_runner).get("nope")


async def test_a_subscriber_that_stops_reading_keeps_only_a_bounded_queue():
    channel = EventChannel(history=10, per_subscriber=5)
    subscription = channel.subscribe()
    first = asyncio.ensure_future(subscription.__anext__())
    channel.publish({"n": 0})
    assert await first == {"n": 0}
    for n in range(1, 1000):  # the reader is stuck; the publisher must not be
        channel.publish({"n": n})
    channel.close()
    rest = [event["n"] async for event in subscription]
    assert rest == [996, 997, 998, 999]  # the oldest went, the end marker survived
    assert len(channel.history) == 10


async def test_a_failing_conversation_ends_the_call_with_an_error_event():
    async def broken(leg, dialog_name, variables, on_event):
        raise RuntimeError("ASR pool is gone")

    registry = CallRegistry(broken)
    registry.start_call(ScriptLeg("c3"), "bank")
    await registry.wait_ended("c3")
    last = registry.get("c3").events.history[-1]
    assert last["type"] == "call_ended" and "ASR pool is gone" in last["reason"]


async def test_close_ends_every_call_and_refuses_new_ones():
    registry = CallRegistry(talking_runner)
    legs = [ScriptLeg(f"c{n}") for n in range(3)]
    for leg in legs:
        registry.start_call(leg, "bank")
    await registry.close()
    assert len(registry) == 0 and all(leg.closed for leg in legs)
    assert registry.get("c0").events.history[-1]["reason"] == "shutdown"
    with pytest.raises(RuntimeError, match="shutting down"):
        registry.start_call(ScriptLeg("late"), "bank")


async def test_the_conversation_waits_for_the_transport_to_be_ready():
    ran = []

    async def runner(leg, dialog_name, variables, on_event):
        ran.append(leg.call_id)

    gate = asyncio.Event()

    async def media_started() -> bool:
        await gate.wait()
        return True

    registry = CallRegistry(runner)
    registry.start_call(ScriptLeg("c4"), "bank", ready=media_started)
    await asyncio.sleep(0.01)
    assert ran == [] and len(registry) == 1
    gate.set()
    await registry.wait_ended("c4")
    assert ran == ["c4"]


async def test_a_transport_that_never_connects_ends_the_call_unstarted():
    async def runner(leg, dialog_name, variables, on_event):
        raise AssertionError("the conversation must not start")

    async def never() -> bool:
        await asyncio.Event().wait()
        return True

    async def failed() -> bool:
        return False

    registry = CallRegistry(runner)
    registry.start_call(ScriptLeg("slow"), "bank", ready=never, ready_timeout=0.01)
    registry.start_call(ScriptLeg("failed"), "bank", ready=failed)
    for call_id in ("slow", "failed"):
        await registry.wait_ended(call_id)
        assert registry.get(call_id).events.history[-1]["reason"] == "media did not start"
        assert registry.get(call_id).leg.closed
