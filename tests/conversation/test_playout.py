import asyncio

import numpy as np
import pytest

from voicebot.audio import AudioFrame
from voicebot.clock import FakeClock
from voicebot.conversation.playout import Playout


class Recorder:
    def __init__(self) -> None:
        self.frames: list[AudioFrame] = []

    async def send(self, frame: AudioFrame) -> None:
        self.frames.append(frame)

    def voiced(self) -> list[AudioFrame]:
        return [f for f in self.frames if f.samples.any()]


async def chunks(*seconds: float, level: int = 1000):
    for s in seconds:
        yield np.full(round(s * 16000), level, dtype=np.int16)


@pytest.fixture
async def running():
    clock = FakeClock(100.0)
    recorder = Recorder()
    playout = Playout(recorder.send, clock)
    task = asyncio.create_task(playout.run())
    yield clock, recorder, playout
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_one_frame_per_tick_on_a_schedule_that_never_drifts(running):
    clock, recorder, _ = running
    for _ in range(1000):  # uneven steps: 13 s in 13 ms hops
        await clock.advance(0.013)
    assert len(recorder.frames) == 651  # ticks at 0, 20 ms, ..., 13.0 s
    for n, frame in enumerate(recorder.frames):
        assert frame.timestamp == pytest.approx(100.0 + n * 0.02, abs=1e-9)
        assert len(frame.samples) == 320 and frame.sample_rate == 16000


async def test_silence_when_idle_and_the_whole_utterance_when_played(running):
    clock, recorder, playout = running
    play = asyncio.create_task(playout.play("Hi. There.", chunks(0.5, 0.25)))
    await clock.advance(1.0)
    report = await play
    assert report.played_ms == 750 and report.total_ms == 750
    assert not report.interrupted and report.heard_text == "Hi. There."
    # the first tick (100.0) went out before play() was called
    assert report.started_at == pytest.approx(100.02)
    assert len(recorder.voiced()) == 38  # 37.5 frames, the last one padded with silence
    assert not recorder.frames[-1].samples.any()


async def test_producer_blocks_on_a_bounded_queue(running):
    clock, _, playout = running
    produced = 0

    async def endless():
        nonlocal produced
        while True:
            produced += 1
            yield np.full(320, 1000, dtype=np.int16)

    play = asyncio.create_task(playout.play("long", endless()))
    await clock.advance(0.1)
    assert produced < 40  # the queue holds 25 frames: the producer waits for the clock
    playout.stop()
    await play


async def test_stop_flushes_at_once_and_reports_what_was_heard(running):
    clock, recorder, playout = running
    text = "Hello there. Your balance is ten dollars and fifty cents."
    play = asyncio.create_task(playout.play(text, chunks(0.4, 2.0)))
    await clock.advance(1.4)  # 0.4 s first sentence + 1.0 s of the second: half of it
    report = playout.stop()
    assert report is not None and report.interrupted
    assert report.played_ms in range(1400, 1441)
    assert report.total_ms == 2400
    assert report.heard_text == "Hello there. Your balance is ten"
    assert await play == report
    sent_before = len(recorder.voiced())
    await clock.advance(0.5)
    assert len(recorder.voiced()) == sent_before  # nothing more of it was sent
    assert not playout.speaking and playout.stop() is None


async def test_utterances_play_in_order(running):
    clock, recorder, playout = running
    first = asyncio.create_task(playout.play("one", chunks(0.2, level=1000)))
    second = asyncio.create_task(playout.play("two", chunks(0.2, level=2000)))
    await clock.advance(0.6)
    assert not (await first).interrupted and not (await second).interrupted
    levels = [int(f.samples[0]) for f in recorder.voiced()]
    assert levels == [1000] * 10 + [2000] * 10
