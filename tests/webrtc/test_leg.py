"""The leg on its own: a real RTCPeerConnection, audio fed through aiortc's "track" event."""

import asyncio

import numpy as np
from aiortc import RTCConfiguration, RTCPeerConnection
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from pyee.asyncio import AsyncIOEventEmitter

from telephony.leg import CallLeg, DtmfDigit, LegHangup
from telephony.webrtc import WebRtcCallLeg
from telephony.webrtc.media import pcm_to_av_frame
from voicebot.audio import AudioFrame
from voicebot.clock import FakeClock


class FiniteMicrophone(MediaStreamTrack):
    """What aiortc's receiver would hand over: 20 ms Opus-decoded frames, as fast as asked."""

    kind = "audio"

    def __init__(self, frames: int) -> None:
        super().__init__()
        self.left = frames
        self.pts = 0

    async def recv(self):
        if self.left == 0:
            raise MediaStreamError
        self.left -= 1
        self.pts += 960
        await asyncio.sleep(0)
        return pcm_to_av_frame(np.full(960, 1000, dtype=np.int16), 48_000, self.pts, stereo=True)


class KeypadChannel(AsyncIOEventEmitter):
    """Stands in for the page's "dtmf" RTCDataChannel: a label and "message" events."""

    label = "dtmf"


def new_leg(**options) -> tuple[WebRtcCallLeg, RTCPeerConnection]:
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    return WebRtcCallLeg(pc, clock=FakeClock(), **options), pc


async def wait_for(predicate, rounds: int = 2000) -> None:
    for _ in range(rounds):
        if predicate():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition not reached")


async def test_the_leg_is_a_call_leg():
    leg, _ = new_leg(call_id="web-1", remote_party="browser 127.0.0.1")
    assert isinstance(leg, CallLeg)
    assert (leg.call_id, leg.remote_party) == ("web-1", "browser 127.0.0.1")
    await leg.close()


async def test_a_consumer_that_stops_reading_does_not_grow_the_inbound_queue():
    leg, pc = new_leg(inbound_frames=25)
    microphone = FiniteMicrophone(frames=500)  # 10 s of audio, nobody reading events()
    pc.emit("track", microphone)
    await wait_for(lambda: microphone.left == 0)
    await wait_for(lambda: leg.audio_dropped > 0 and leg.inbound_queued == 25)
    assert leg.inbound_queued == 25  # the end of media was queued too: audio made room
    assert leg.audio_dropped >= 470
    events = [event async for event in leg.events()]
    assert isinstance(events[-1], LegHangup) and events[-1].reason == "media ended"
    assert all(isinstance(e, AudioFrame) for e in events[:-1])
    await leg.close()


async def test_keys_and_hangup_survive_an_overflowing_audio_queue():
    leg, pc = new_leg(inbound_frames=10)
    keypad = KeypadChannel()
    pc.emit("datachannel", keypad)
    keypad.emit("message", "4")
    keypad.emit("message", "not a key")  # logged and ignored
    pc.emit("track", FiniteMicrophone(frames=100))
    await wait_for(lambda: leg.audio_dropped > 50)
    events = [event async for event in leg.events()]
    assert events[0] == DtmfDigit("4", 0.0)
    assert events[-1].reason == "media ended"
    await leg.close()


async def test_bot_audio_goes_to_the_track_and_close_is_idempotent():
    leg, _ = new_leg()
    await leg.send_audio(AudioFrame.silence())
    assert leg.bot_track.queued == 1
    assert leg.flush_playback() == 1
    await leg.close()
    await leg.close()
    await leg.send_audio(AudioFrame.silence())
    assert leg.bot_track.queued == 0


async def test_media_starts_when_aiortc_first_asks_for_bot_audio():
    leg, _ = new_leg()
    started = asyncio.ensure_future(leg.media_started())
    await asyncio.sleep(0)
    assert not started.done()
    pull = asyncio.ensure_future(leg.bot_track.recv())  # what aiortc's sender does once connected
    assert await asyncio.wait_for(started, 1) is True
    pull.cancel()
    await leg.close()


async def test_media_never_starts_on_a_call_that_ended_first():
    leg, pc = new_leg()
    started = asyncio.ensure_future(leg.media_started())
    pc.emit("track", FiniteMicrophone(frames=0))  # the browser's media ends at once
    assert await asyncio.wait_for(started, 1) is False
    await leg.close()


async def test_tracks_the_leg_does_not_use_are_still_read_so_they_cannot_pile_up():
    leg, pc = new_leg()
    pc.emit("track", FiniteMicrophone(frames=10))
    extra = FiniteMicrophone(frames=300)
    extra.kind = "video"  # a camera the browser offered
    pc.emit("track", extra)
    await wait_for(lambda: extra.left == 0)
    await leg.close()
