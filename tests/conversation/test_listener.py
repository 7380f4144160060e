"""The Listener alone: frames in, transcripts out; decodes observed through a gated fake pool."""

import asyncio

import numpy as np

from voicebot.asr.hypothesis import Hypothesis
from voicebot.audio import frames_from_pcm
from voicebot.clock import FakeClock
from voicebot.conversation.listener import (
    FinalTranscript,
    Listener,
    ListenerConfig,
    PartialTranscript,
    UtteranceStarted,
    VoiceOnset,
)
from voicebot.vad import Endpointer

from .fakes import LoudnessDetector, LoudnessRecognizer, caller, silence, speech


class GatedPool:
    """Decodes wait until the test opens the gate; reports a backlog like AsrPool.queued()."""

    def __init__(self, backlog: tuple[int, int] = (0, 0)) -> None:
        self.gate = asyncio.Event()
        self.backlog = backlog
        self.started: list[tuple[int, bool]] = []  # (samples, final)
        self.cancelled = 0

    def queued(self) -> tuple[int, int]:
        return self.backlog

    async def transcribe(self, audio: np.ndarray, *, final: bool = True) -> Hypothesis:
        self.started.append((len(audio), final))
        try:
            await self.gate.wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        return LoudnessRecognizer.hear(audio, final)


async def listen(audio: np.ndarray, pool: GatedPool, open_gate_at: float | None = None):
    clock = FakeClock()
    events: list = []
    async with asyncio.TaskGroup() as tasks:
        listener = Listener(
            LoudnessDetector(), Endpointer(), pool, clock, tasks, events.append, ListenerConfig()
        )
        for frame in frames_from_pcm(audio, 16000):
            await clock.advance(0.02)
            if open_gate_at is not None and frame.timestamp >= open_gate_at:
                pool.gate.set()
            listener.feed(frame)
        pool.gate.set()
    return events, listener


async def test_the_decode_started_at_the_pause_becomes_the_final():
    pool = GatedPool()
    audio = caller(silence(0.5), speech(1.0, "check my balance"), silence(0.6))
    events, _ = await listen(audio, pool, open_gate_at=1.6)
    finals = [e for e in events if isinstance(e, FinalTranscript)]
    assert [f.hypothesis.text for f in finals] == ["check my balance"] and finals[0].speculative
    assert [final for _, final in pool.started].count(True) == 1  # no second final decode
    assert finals[0].last_sound == 1.5 and round(finals[0].speech_end, 2) == 1.8


async def test_speech_that_resumes_cancels_the_speculative_decode():
    pool = GatedPool()
    audio = caller(
        silence(0.5), speech(0.6, "goodbye"), silence(0.1), speech(0.6, "goodbye"), silence(0.6)
    )
    events, listener = await listen(audio, pool, open_gate_at=2.0)
    [final] = [e for e in events if isinstance(e, FinalTranscript)]
    assert final.hypothesis.text == "goodbye" and final.speech_start == 0.5
    assert pool.cancelled == 1 and listener.speculative_dropped == 1  # the one at the short gap
    first, second = [samples for samples, final in pool.started if final]
    assert second > first + 0.6 * 16000  # the reused decode heard the words after the gap too
    assert final.speculative and final.last_sound == 1.8


async def test_partials_while_talking_but_not_when_the_pool_has_a_backlog():
    audio = caller(silence(0.5), speech(2.0, "one more thing"), silence(0.6))
    idle = GatedPool()
    events, _ = await listen(audio, idle, open_gate_at=0.0)
    assert [type(e) for e in events[:2]] == [VoiceOnset, UtteranceStarted]
    assert len([e for e in events if isinstance(e, PartialTranscript)]) >= 2

    busy = GatedPool(backlog=(1, 0))
    events, listener = await listen(audio, busy, open_gate_at=0.0)
    assert not [e for e in events if isinstance(e, PartialTranscript)]
    assert listener.partials_skipped >= 2


async def test_a_click_shorter_than_the_guard_is_no_barge_in():
    pool = GatedPool()
    events, _ = await listen(caller(silence(0.5), speech(0.06, "goodbye"), silence(0.5)), pool)
    assert not [e for e in events if isinstance(e, VoiceOnset)]


class SlowFirstPool:
    """The first decode waits for the gate; later ones answer at once."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.calls = 0

    async def transcribe(self, audio: np.ndarray, *, final: bool = True) -> Hypothesis:
        self.calls += 1
        if self.calls == 1:
            await self.gate.wait()
        return LoudnessRecognizer.hear(audio, final)


async def test_finals_keep_the_order_they_were_spoken_in_when_decodes_finish_out_of_order():
    pool = SlowFirstPool()
    audio = caller(
        silence(0.5), speech(0.6, "goodbye"), silence(0.6), speech(0.8, "check my balance")
    )
    events, _ = await listen(caller(audio, silence(0.6)), pool, open_gate_at=3.0)
    finals = [e.hypothesis.text for e in events if isinstance(e, FinalTranscript)]
    assert finals == ["goodbye", "check my balance"]
