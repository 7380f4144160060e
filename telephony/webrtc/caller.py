"""A scripted WebRTC caller on aiortc: what the web page does, without a browser.

It speaks a PCM clip as its microphone, records what it hears, presses keys on the "dtmf" channel
and hangs up on "control". Tests, benchmarks and `voicebot` tools use it to call a voicebot
through the real signaling endpoint; it knows nothing of HTTP, so callers pass in how the offer
is delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import av
import numpy as np
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from telephony.webrtc.ice_hosts import gathering_on, normalized
from telephony.webrtc.media import av_frame_to_mono, pcm_to_av_frame
from telephony.webrtc.messages import CONTROL_CHANNEL, DTMF_CHANNEL, ControlMessage
from telephony.webrtc.sdp_candidates import usable_remote_candidates
from voicebot.audio import ENGINE_RATE, StreamResampler, samples_per_frame
from voicebot.clock import Clock, MonotonicClock

FRAME = samples_per_frame(ENGINE_RATE)
TICK = FRAME / ENGINE_RATE
SPEECH_DBFS = -45.0  # a received frame louder than this counts as the bot speaking

OfferSender = Callable[[dict[str, str]], Awaitable[dict[str, str]]]


class ClipTrack(MediaStreamTrack):
    """A microphone that says the clips given to `say()` and is silent in between, paced 20 ms."""

    kind = "audio"

    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self._clock = clock
        self._pending = np.zeros(0, dtype=np.int16)
        self._start: float | None = None
        self._ticks = 0
        self.spoken_until: float | None = None  # clock time the last clip's final frame went out

    def say(self, samples: np.ndarray) -> None:
        self._pending = np.concatenate([self._pending, samples.astype(np.int16)])

    @property
    def speaking(self) -> bool:
        return len(self._pending) > 0

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = self._clock.now()
        else:
            await self._clock.sleep_until(self._start + self._ticks * TICK)
        chunk = self._pending[:FRAME]
        self._pending = self._pending[FRAME:]
        if len(chunk):
            if not len(self._pending):
                self.spoken_until = self._clock.now() + TICK
            chunk = np.concatenate([chunk, np.zeros(FRAME - len(chunk), dtype=np.int16)])
        else:
            chunk = np.zeros(FRAME, dtype=np.int16)
        frame = pcm_to_av_frame(chunk, ENGINE_RATE, self._ticks * FRAME, stereo=True)
        self._ticks += 1
        return frame


@dataclass(frozen=True, slots=True)
class HeardFrame:
    at: float  # clock time it arrived
    samples: np.ndarray  # 16 kHz mono int16

    @property
    def dbfs(self) -> float:
        if not len(self.samples):
            return -120.0
        rms = float(np.sqrt(np.mean(self.samples.astype(np.float64) ** 2)))
        return 20 * np.log10(max(rms, 1e-3) / 32768)


class ScriptedCaller:
    """`host_addresses`: the local addresses offered as ICE host candidates (["127.0.0.1"] in
    tests, so no packet leaves loopback); empty means every interface but loopback."""

    def __init__(self, clock: Clock | None = None, *, host_addresses: Sequence[str] = ()) -> None:
        self._clock = clock or MonotonicClock()
        self.host_addresses = normalized(host_addresses)
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.mic = ClipTrack(self._clock)
        self.pc.addTrack(self.mic)
        self._dtmf = self.pc.createDataChannel(DTMF_CHANNEL)
        self._control = self.pc.createDataChannel(CONTROL_CHANNEL)
        self.heard: list[HeardFrame] = []
        self.control_messages: list[str] = []
        self.call_id: str | None = None
        self._reader: asyncio.Task[None] | None = None
        self._opened = asyncio.Event()
        self._control.on("open", self._opened.set)
        self._control.on("message", self.control_messages.append)
        self.pc.on("track", self._on_track)

    async def connect(self, send_offer: OfferSender) -> str | None:
        """Make the offer, deliver it with `send_offer` (returns the answer JSON) and wait for the
        control channel to open. Returns the answer's call_id when the server gives one."""
        with gathering_on(self.host_addresses):
            await self.pc.setLocalDescription(await self.pc.createOffer())
        offer = {"sdp": self.pc.localDescription.sdp, "type": self.pc.localDescription.type}
        answer = await send_offer(offer)
        remote = usable_remote_candidates(answer["sdp"], self.host_addresses)
        await self.pc.setRemoteDescription(RTCSessionDescription(remote, answer["type"]))
        self.call_id = answer.get("call_id")
        await asyncio.wait_for(self._opened.wait(), timeout=10)
        return self.call_id

    def say(self, samples: np.ndarray) -> None:
        """Queue a 16 kHz mono int16 clip on the microphone."""
        self.mic.say(samples)

    def press(self, key: str) -> None:
        self._dtmf.send(key)

    def heard_audio(self, since: float = float("-inf")) -> np.ndarray:
        parts = [f.samples for f in self.heard if f.at >= since]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)

    def first_speech_after(self, since: float) -> float | None:
        """Clock time of the first loud frame heard at or after `since`."""
        return next((f.at for f in self.heard if f.at >= since and f.dbfs > SPEECH_DBFS), None)

    @property
    def hung_up_by_bot(self) -> bool:
        return any('"hangup"' in m for m in self.control_messages)

    async def hang_up(self) -> None:
        if self._control.readyState == "open":
            self._control.send(ControlMessage("hangup", "caller hangup").to_json())
            for _ in range(50):  # let the message leave before the transport closes
                if self._control.bufferedAmount == 0:
                    break
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.05)
        await self.close()

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        await self.pc.close()

    def _on_track(self, track: MediaStreamTrack) -> None:
        if track.kind == "audio" and self._reader is None:
            self._reader = asyncio.get_running_loop().create_task(self._record(track))

    async def _record(self, track: MediaStreamTrack) -> None:
        resampler: StreamResampler | None = None
        try:
            while True:
                frame = await track.recv()
                if resampler is None or resampler.from_rate != frame.sample_rate:
                    resampler = StreamResampler(frame.sample_rate, ENGINE_RATE)
                samples = resampler.process(av_frame_to_mono(frame))
                self.heard.append(HeardFrame(self._clock.now(), samples))
        except MediaStreamError:
            return
