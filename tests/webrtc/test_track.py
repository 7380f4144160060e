import asyncio

import numpy as np

from telephony.webrtc.media import av_frame_to_mono
from telephony.webrtc.track import BotAudioTrack
from voicebot.audio import AudioFrame
from voicebot.clock import FakeClock


def loud_frame(value: int = 6000) -> AudioFrame:
    return AudioFrame(np.full(320, value, dtype=np.int16))


async def test_recv_is_paced_on_a_20ms_schedule_from_the_first_tick():
    clock = FakeClock(start=100.0)
    track = BotAudioTrack(clock)
    await track.recv()  # the first tick goes at once and starts the schedule
    pulls = [asyncio.ensure_future(track.recv()) for _ in range(1)]
    await clock.settle()
    assert not pulls[0].done()
    await clock.advance(0.019)
    assert not pulls[0].done()
    await clock.advance(0.001)
    assert pulls[0].done()
    # later ticks keep to start + n * 20 ms, however late a caller pulls
    await clock.advance(0.015)
    third = asyncio.ensure_future(track.recv())
    await clock.advance(0.005)
    assert third.done() and clock.now() == 100.04


async def test_silence_when_nothing_is_queued_and_bot_audio_when_it_is():
    clock = FakeClock()
    track = BotAudioTrack(clock)
    silent = await track.recv()
    assert np.abs(av_frame_to_mono(silent)).max() < 10  # silence, give or take the filter
    for _ in range(5):
        track.push(loud_frame())
    heard = []
    for _ in range(5):
        pull = asyncio.ensure_future(track.recv())
        await clock.advance(0.02)
        heard.append(av_frame_to_mono(await pull))
    assert np.abs(np.concatenate(heard[1:])).max() > 5000
    assert track.frames_sent == 5 and track.first_audio_at == 0.02


async def test_a_producer_that_runs_ahead_costs_a_fixed_queue_and_counted_drops():
    track = BotAudioTrack(FakeClock(), max_queued_frames=6)
    for _ in range(100):
        track.push(loud_frame())
    assert track.queued == 6
    assert track.dropped == 94


async def test_flush_discards_queued_bot_audio_for_barge_in():
    track = BotAudioTrack(FakeClock())
    for _ in range(4):
        track.push(loud_frame())
    assert track.flush() == 4
    assert np.abs(av_frame_to_mono(await track.recv())).max() < 10


async def test_after_a_long_stall_the_schedule_restarts_instead_of_bursting():
    clock = FakeClock()
    track = BotAudioTrack(clock)
    await track.recv()
    await clock.advance(1.0)  # the event loop was blocked for a second
    await track.recv()  # goes at once and restarts the schedule at t=1.0
    pull = asyncio.ensure_future(track.recv())
    await clock.advance(0.01)
    assert not pull.done()
    await clock.advance(0.01)
    assert pull.done()
