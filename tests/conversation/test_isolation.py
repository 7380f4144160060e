"""One call's slow decode must not hold up another call's audio: CPU work runs off the event loop."""

import asyncio

import pytest

from voicebot.conversation.call import Conversation
from voicebot.conversation.file_leg import WavFileLeg
from voicebot.conversation.rule_dialog import demo_dialog

from .fakes import BlockingRecognizer, caller, fake_services, silence, speech


async def test_a_blocked_decode_in_one_call_does_not_delay_another_calls_playout(clock):
    blocking = BlockingRecognizer()
    audio = caller(silence(4.0), speech(1.0, "check my balance"), silence(6.0))
    legs = [WavFileLeg(audio, clock, call_id=name, bot_quiet_s=1.0) for name in ("slow", "fast")]
    dialog = demo_dialog()
    calls = [
        Conversation(legs[0], dialog.new_session(), fake_services(clock, blocking)),
        Conversation(legs[1], dialog.new_session(), fake_services(clock)),
    ]
    tasks = [asyncio.create_task(c.run()) for c in calls]
    try:
        for _ in range(round(8.0 / 0.02)):  # both callers speak at 4 s; "slow" blocks at its pause
            await clock.advance(0.02)
        assert blocking.started.is_set()
        fast, slow = calls[1].record, calls[0].record
        assert [t.trigger for t in fast.turns] == ["call_started", "said"]
        assert fast.turns[1].latencies_ms()["turn"] <= 340
        assert len(slow.turns) == 1  # still waiting for its decode
        # both playout clocks kept ticking on schedule the whole time
        for conversation in calls:
            assert conversation.playout.frames_sent in (400, 401)  # 8 s of 20 ms ticks
            assert conversation.playout.schedule_restarts == 0
    finally:
        blocking.release()
    for _ in range(round(20.0 / 0.02)):
        if all(t.done() for t in tasks):
            break
        await asyncio.sleep(0)  # let the released worker thread's result reach the loop
        await clock.advance(0.02)
    slow_record, fast_record = await asyncio.gather(*tasks)
    assert slow_record.turns[1].caller_text == "check my balance"
    assert fast_record.outcome == slow_record.outcome == "caller_hangup"


async def test_virtual_clock_jumps_over_waits_and_keeps_order():
    from voicebot.conversation.virtual_clock import VirtualClock

    clock = VirtualClock(start=50.0)
    driver = asyncio.create_task(clock.driver())
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, until: float) -> None:
        await clock.sleep_until(until)
        woke.append((name, clock.now()))

    try:
        await asyncio.gather(sleeper("late", 3600.0), sleeper("early", 60.0), sleeper("mid", 61.5))
    finally:
        driver.cancel()
        await asyncio.gather(driver, return_exceptions=True)
    assert woke == [("early", 60.0), ("mid", 61.5), ("late", 3600.0)]
    assert clock.now() == pytest.approx(3600.0)


async def test_virtual_clock_counts_marked_work_in_real_time():
    from voicebot.conversation.virtual_clock import VirtualClock

    clock = VirtualClock()
    before = clock.now()
    with clock.busy():
        inside = clock.now()
    assert inside >= before  # time may only move forward inside busy work
    assert clock.now() >= inside
