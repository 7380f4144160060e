"""The engine end to end on fakes: fake VAD, ASR and TTS, the real endpointer and playout, a FakeClock."""

import asyncio
import dataclasses

import pytest

from voicebot.conversation.events import BargeInEvent, CallEndedEvent, TranscriptEvent
from voicebot.conversation.rule_dialog import demo_dialog
from voicebot.dialog.protocol import CallEnded, CallerPressed, CallerSaid, InputTimeout

from .fakes import BOT_SAMPLE, LoudnessRecognizer, caller, silence, speech, speech_seconds

GREETING = demo_dialog().greeting  # 11 words in two sentences: 1.8 s + 1.5 s of fake speech
BALANCE = demo_dialog().rules[0].reply


def bot_sound_times(run, step=0.02):
    """Call-time seconds (from the leg's start) of each 20 ms of bot audio."""
    audio = run.leg.bot_audio()
    frames = audio[: len(audio) // 320 * 320].reshape(-1, 320)
    return [i * step for i, f in enumerate(frames) if (f == BOT_SAMPLE).any()]


async def test_a_turn_greets_hears_replies_and_measures_latency(run_call):
    audio = caller(silence(4.0), speech(1.0, "check my balance"), silence(6.0))
    run = await run_call(audio)

    turns = run.record.turns
    assert [t.trigger for t in turns[:2]] == ["call_started", "said"]
    assert turns[0].bot_text == GREETING and turns[0].first_audio is not None
    turn = turns[1]
    assert turn.caller_text == "check my balance" and turn.intent == "check_balance"
    assert turn.bot_text == BALANCE
    assert turn.speculative_hit is True  # the decode started at the pause was reused
    start = run.leg.start
    assert turn.last_sound == pytest.approx(start + 5.0)
    assert turn.speech_end == pytest.approx(start + 5.3)  # 300 ms end silence
    latency = turn.latencies_ms()
    assert latency["endpoint"] == 300
    assert 300 <= latency["turn"] <= 340  # instant fakes: endpoint silence + at most two ticks
    assert run.session.events[1] == CallerSaid("check my balance", 0.9)
    finals = [e for e in run.of_type(TranscriptEvent) if e.is_final]
    assert [e.text for e in finals] == ["check my balance"]
    assert run.record.outcome == "caller_hangup"


async def test_partials_arrive_while_the_caller_talks(run_call):
    audio = caller(silence(4.0), speech(2.0, "check my balance"), silence(3.0))
    run = await run_call(audio)
    partials = [e for e in run.of_type(TranscriptEvent) if not e.is_final]
    assert 2 <= len(partials) <= 3  # every 0.6 s of a 2 s utterance
    assert all(p.text == "check my balance" for p in partials)
    assert all(run.leg.start + 4.0 < p.timestamp < run.leg.start + 6.0 for p in partials)


async def test_barge_in_stops_the_prompt_within_the_guard_and_reports_what_was_heard(run_call):
    onset = 1.5  # mid-greeting
    audio = caller(silence(onset), speech(1.0, "check my balance"), silence(6.0))
    run = await run_call(audio)

    greeting = run.record.turns[0]
    report = greeting.barge_in
    assert report is not None and report.interrupted
    assert report.total_ms == speech_seconds(GREETING) * 1000
    # bot audio began at 20 ms; the guard is 100 ms of voice; then one more tick at most
    assert 1500 + 100 - 20 <= report.played_ms <= 1500 + 100
    assert report.heard_text == "Hello, thanks for calling Demo"  # 1.6 s of the 1.8 s sentence
    sound = bot_sound_times(run)
    reply_at = run.record.turns[1].first_audio - run.leg.start
    greeting_sound = [t for t in sound if t < reply_at - 1e-6]
    assert max(greeting_sound) <= onset + 0.100 + 0.020  # stopped within guard + one frame
    [barge] = run.of_type(BargeInEvent)
    assert barge.speech_onset == pytest.approx(run.leg.start + onset)
    assert barge.timestamp - barge.speech_onset <= 0.12
    assert run.record.turns[1].bot_text == BALANCE  # the interrupting words were answered


async def test_a_prompt_marked_not_interruptible_plays_to_the_end(run_call):
    dialog = dataclasses.replace(demo_dialog(), greeting_interruptible=False)
    audio = caller(silence(1.0), speech(1.0, "check my balance"), silence(8.0))
    run = await run_call(audio, dialog=dialog)

    assert run.record.turns[0].barge_in is None
    assert not run.of_type(BargeInEvent)
    sound = bot_sound_times(run)
    reply_at = run.record.turns[1].first_audio - run.leg.start
    greeting_frames = [t for t in sound if t < reply_at - 1e-6]
    assert len(greeting_frames) == 165  # all 3.3 s of it
    assert run.record.turns[1].caller_text == "check my balance"  # heard, answered afterwards
    assert run.record.turns[1].first_audio >= run.leg.start + 3.3


async def test_silence_gets_a_reprompt_then_a_goodbye(run_call):
    run = await run_call(silence(30.0))
    assert [t.trigger for t in run.record.turns] == ["call_started", "no_input", "no_input"]
    assert run.record.turns[1].bot_text == demo_dialog().reprompt
    assert run.session.events[1:] == [InputTimeout("no_input"), InputTimeout("no_input")]
    # the timer starts when the greeting has finished playing (0.02 + 3.3 s), then runs 6 s
    assert run.record.turns[1].reply_ready == pytest.approx(
        run.leg.start + 0.02 + 3.3 + 6.0, abs=0.021
    )
    assert run.record.outcome == "no_input"
    assert run.leg.log.hangup_reason == "bot hangup"


async def test_the_timer_waits_while_the_caller_is_talking(run_call):
    # a 7 s utterance starting 5.5 s after the greeting: longer than the 6 s timeout
    audio = caller(silence(8.5), speech(7.0, "one more thing"), silence(3.0))
    run = await run_call(audio)
    assert [t.trigger for t in run.record.turns[:2]] == ["call_started", "said"]


async def test_a_key_reaches_the_dialog_and_stops_the_prompt(run_call):
    run = await run_call(silence(6.0), keys=((1.0, "1"),))
    assert CallerPressed("1") in run.session.events
    assert run.record.turns[0].barge_in is not None
    assert run.record.turns[0].barge_in.played_ms <= 1000 + 20  # the key's tick, at most one frame
    pressed = run.record.turns[1]
    assert pressed.trigger == "pressed" and pressed.digit == "1"
    assert pressed.bot_text == BALANCE


async def test_caller_hangup_ends_the_call_and_leaves_no_tasks(run_call):
    before = asyncio.all_tasks()
    run = await run_call(silence(2.0))  # the caller leaves mid-greeting
    assert run.record.outcome == "caller_hangup"
    assert run.session.events[-1] == CallEnded("caller audio ended")
    assert run.record.ended_at is not None
    [ended] = run.of_type(CallEndedEvent)
    assert ended.to_json()["outcome"] == "caller_hangup"
    await asyncio.sleep(0)
    assert asyncio.all_tasks() - before == set()


async def test_bot_hangup_plays_the_goodbye_then_hangs_up(run_call):
    before = asyncio.all_tasks()
    audio = caller(silence(4.0), speech(0.6, "goodbye"), silence(10.0))
    run = await run_call(audio)
    assert run.record.outcome == "completed"
    assert run.leg.log.hangup_reason == "bot hangup"
    goodbye = run.record.turns[1]
    assert goodbye.bot_text == "Goodbye."
    assert run.leg.log.hangup_at >= goodbye.first_audio + speech_seconds("Goodbye.")
    await asyncio.sleep(0)
    assert asyncio.all_tasks() - before == set()


async def test_transfer_goes_to_the_leg_with_context(run_call):
    audio = caller(silence(4.0), speech(0.8, "an agent please"), silence(10.0))
    run = await run_call(audio)
    assert run.record.outcome == "transferred" and run.record.transfer_target == "agents"
    [request] = run.leg.log.transfers
    assert request.target == "agents" and request.context["intent"] == "agent"


async def test_events_serialize_to_json(run_call):
    audio = caller(silence(1.5), speech(1.0, "check my balance"), silence(6.0))
    run = await run_call(audio)
    kinds = {e.to_json()["type"] for e in run.events}
    assert {"transcript", "bot_speech", "dialog_state", "barge_in", "turn_metrics"} <= kinds
    assert kinds >= {"call_ended"}


async def test_the_call_record_is_ready_for_the_store(run_call):
    import json

    audio = caller(silence(4.0), speech(1.0, "check my balance"), silence(6.0))
    run = await run_call(audio)
    data = json.loads(json.dumps(run.record.to_json()))  # plain JSON all the way down
    assert data["duration_s"] == pytest.approx(
        run.record.ended_at - run.record.started_at, abs=1e-3
    )
    said = data["turns"][1]
    assert said["caller_text"] == "check my balance"
    assert said["timestamps"]["last_sound"] == pytest.approx(5.0, abs=0.001)  # from the call start
    assert said["latency_ms"]["endpoint"] == 300


class SlowRecognizer(LoudnessRecognizer):
    """Takes `seconds` of call time per decode."""

    def __init__(self, clock, seconds: float) -> None:
        super().__init__()
        self._clock, self._seconds = clock, seconds

    async def transcribe(self, audio, *, final=True):
        await self._clock.sleep(self._seconds)
        return await super().transcribe(audio, final=final)


async def test_a_reply_ready_while_the_caller_talks_on_is_not_spoken_over_them(run_call, clock):
    # a 0.4 s pause ends the first utterance; the reply is ready 0.6 s later, mid-way through the next
    audio = caller(
        silence(4.0),
        speech(1.0, "hmm what"),
        silence(0.4),
        speech(1.5, "check my balance"),
        silence(7.0),
    )
    run = await run_call(audio, recognizer=SlowRecognizer(clock, 0.6))
    first, second = run.record.turns[1:3]
    assert first.caller_text == "hmm what"
    assert first.barge_in is not None and first.barge_in.played_ms == 0
    assert first.first_audio is None  # nothing of it was played
    assert second.caller_text == "check my balance" and second.bot_text == BALANCE
    assert second.first_audio is not None
