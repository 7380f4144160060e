import asyncio

import numpy as np

from telephony.webrtc.media import av_frame_to_mono
from telephony.webrtc.track import BotAudioTrack
from voicebot.audio import AudioFrame


def loud_frame(value: int = 6000) -> AudioFrame:
    return AudioFrame(np.full(320, value, dtype=np.int16))


async def test_recv_waits_for_the_playout_clock_to_hand_over_a_frame():
    track = BotAudioTrack()
    pull = asyncio.ensure_future(track.recv())
    await asyncio.sleep(0)
    assert not pull.done() and track.sending.is_set()  # aiortc is asking: media is up
    track.push(loud_frame())
    wire = await asyncio.wait_for(pull, 1)
    assert wire.sample_rate == 48_000 and wire.samples == 960


async def test_frames_go_out_in_order_as_48k_audio():
    track = BotAudioTrack()
    for _ in range(10):
        track.push(loud_frame())
    heard = np.concatenate([av_frame_to_mono(await track.recv()) for _ in range(10)])
    assert np.abs(heard[960:]).min() > 5000  # after the resampler's first few samples, all bot
    assert track.frames_sent == 10 and track.queued == 0


async def test_a_sender_that_stalls_costs_a_fixed_queue_and_counted_drops():
    track = BotAudioTrack(max_queued_frames=25)
    for _ in range(1000):  # 20 s of playout while aiortc pulls nothing
        track.push(loud_frame())
    assert track.queued == 25
    assert track.dropped == 975


async def test_flush_discards_queued_bot_audio_for_barge_in():
    track = BotAudioTrack()
    for _ in range(4):
        track.push(loud_frame())
    assert track.flush() == 4
    track.push(AudioFrame.silence())
    assert np.abs(av_frame_to_mono(await track.recv())).max() < 10


async def test_a_reply_never_waits_behind_queued_silence():
    track = BotAudioTrack()
    for _ in range(50):  # one second of silence while aiortc's sender was stalled
        track.push(AudioFrame.silence())
    assert track.queued == 2 and track.silence_skipped == 48
    track.push(loud_frame())
    heard = [np.abs(av_frame_to_mono(await track.recv())).max() for _ in range(3)]
    assert heard[2] > 5000  # the reply's first frame comes right after two silent ones


async def test_on_overflow_silence_goes_before_bot_speech():
    track = BotAudioTrack(max_queued_frames=4)
    track.push(AudioFrame.silence())
    for value in (1000, 2000, 3000, 4000):
        track.push(loud_frame(value))
    assert track.dropped == 1
    levels = [int(np.abs(av_frame_to_mono(await track.recv())[-200:]).max()) for _ in range(4)]
    assert levels == sorted(levels) and levels[0] > 500  # all four speech frames, in order
