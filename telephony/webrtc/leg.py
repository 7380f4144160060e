"""A browser call as a CallLeg: aiortc peer connection in, engine frames and keys out.

The leg owns its RTCPeerConnection and the one task that reads the browser's audio track. That
task always reads (aiortc's receive queue is unbounded, so an unread track would leak) and hands
frames to a bounded inbound queue: when the engine falls behind, the oldest audio is dropped and
counted; keys and the hangup are never the ones dropped.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Mapping

from aiortc import RTCDataChannel, RTCPeerConnection
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from telephony.leg import DtmfDigit, LegEvent, LegHangup, TransferResult
from telephony.webrtc.bounded import DropOldestQueue
from telephony.webrtc.errors import DataChannelMessageError
from telephony.webrtc.ice_hosts import Address, nominated_pairs
from telephony.webrtc.media import InboundAudio
from telephony.webrtc.messages import (
    CONTROL_CHANNEL,
    DTMF_CHANNEL,
    ControlMessage,
    parse_control,
    parse_dtmf,
)
from telephony.webrtc.track import BotAudioTrack
from telephony.webrtc.turn_gaps import TurnGapMeter
from voicebot.audio import AudioFrame
from voicebot.clock import Clock, MonotonicClock

log = logging.getLogger(__name__)

INBOUND_FRAMES = 250  # 5 s of caller audio waiting for the engine, then the oldest goes
OUTBOUND_FRAMES = 25  # 500 ms of bot audio the sender may fall behind the playout clock
_FLUSH_TIMEOUT = 0.5  # how long hangup() waits for the "hangup" message to leave


async def _discard(track: MediaStreamTrack) -> None:
    try:
        while True:
            await track.recv()
    except MediaStreamError:
        return


def _is_audio(event: LegEvent) -> bool:
    return isinstance(event, AudioFrame)


class WebRtcCallLeg:
    """One browser call. Build it with `telephony.webrtc.answer_offer`, which wires up the SDP."""

    def __init__(
        self,
        pc: RTCPeerConnection,
        *,
        call_id: str | None = None,
        remote_party: str = "browser",
        clock: Clock | None = None,
        inbound_frames: int = INBOUND_FRAMES,
        outbound_frames: int = OUTBOUND_FRAMES,
    ) -> None:
        self._pc = pc
        self._call_id = call_id or f"webrtc-{uuid.uuid4().hex[:12]}"
        self._remote_party = remote_party
        self._clock = clock or MonotonicClock()
        self.turn_gaps = TurnGapMeter()
        self.bot_track = BotAudioTrack(outbound_frames, self._on_bot_frame_sent)
        self._inbound: DropOldestQueue[LegEvent] = DropOldestQueue(inbound_frames, _is_audio)
        self._control: RTCDataChannel | None = None
        self._reader: asyncio.Task[None] | None = None
        self._sinks: list[asyncio.Task[None]] = []
        self._ended = False
        self._ended_event = asyncio.Event()
        self._closed = False
        pc.on("track", self._on_track)
        pc.on("datachannel", self._on_datachannel)
        pc.on("connectionstatechange", self._on_connection_state)

    # ---- CallLeg ------------------------------------------------------------------------

    @property
    def call_id(self) -> str:
        return self._call_id

    @property
    def remote_party(self) -> str:
        return self._remote_party

    async def events(self) -> AsyncIterator[LegEvent]:
        while True:
            event = await self._inbound.get()
            yield event
            if isinstance(event, LegHangup):
                return

    async def send_audio(self, frame: AudioFrame) -> None:
        if not self._ended:  # after a hangup nobody is listening: keep the queue's count honest
            self.bot_track.push(frame)

    async def hangup(self, reason: str = "bot hangup") -> None:
        if self._closed:
            return
        await self._tell_page(ControlMessage("hangup", reason))
        self._end(reason)
        await self.close()

    async def transfer(self, target: str, context: Mapping[str, str]) -> TransferResult:
        # a browser has no SIP stack to REFER; queue hand-offs are the ACD's job above the leg
        await self._tell_page(ControlMessage("transfer", target))
        return TransferResult(False, f"a WebRTC leg cannot transfer to {target!r} by itself")

    # ---- beyond the protocol ------------------------------------------------------------

    async def media_started(self) -> bool:
        """Wait until media flows (aiortc's sender asks for bot audio); False if the call ended
        first. Start the conversation after it, or the greeting's first words go to a sender that
        is not there yet. Callers bound the wait with `asyncio.timeout`."""
        sending = asyncio.ensure_future(self.bot_track.sending.wait())
        ended = asyncio.ensure_future(self._ended_event.wait())
        try:
            await asyncio.wait({sending, ended}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sending.cancel()
            ended.cancel()
        return self.bot_track.sending.is_set() and not self._ended

    @property
    def audio_dropped(self) -> int:
        """Inbound frames dropped because the engine did not keep up."""
        return self._inbound.dropped

    @property
    def inbound_queued(self) -> int:
        return len(self._inbound)

    def ice_pairs(self) -> list[tuple[Address, Address]]:
        """(local, remote) address of the candidate pair ICE chose; empty until it has."""
        return nominated_pairs(self._pc)

    def flush_playback(self) -> int:
        """Drop bot audio not yet sent (barge-in); returns the number of 20 ms frames dropped."""
        return self.bot_track.flush()

    async def close(self) -> None:
        """Stop reading and close the peer connection; safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        self._end("closed")
        tasks = [t for t in (self._reader, *self._sinks) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._pc.close()

    # ---- aiortc callbacks ---------------------------------------------------------------

    def _on_track(self, track: MediaStreamTrack) -> None:
        loop = asyncio.get_running_loop()
        if track.kind == "audio" and self._reader is None:
            self._reader = loop.create_task(
                self._read_audio(track), name=f"{self._call_id}-audio-in"
            )
        else:  # video or a second audio track: aiortc queues its frames without bound unless read
            self._sinks.append(loop.create_task(_discard(track), name=f"{self._call_id}-sink"))

    async def _read_audio(self, track: MediaStreamTrack) -> None:
        converter = InboundAudio()
        try:
            while True:
                frame = await track.recv()
                for engine_frame in converter.push(frame, self._clock.now()):
                    self.turn_gaps.caller_frame(engine_frame)
                    self._inbound.put_nowait(engine_frame)
        except MediaStreamError:
            self._end("media ended")

    def _on_bot_frame_sent(self, frame: AudioFrame) -> None:
        self.turn_gaps.bot_frame(frame, self._clock.now())

    def _on_datachannel(self, channel: RTCDataChannel) -> None:
        if channel.label == DTMF_CHANNEL:
            channel.on("message", self._on_dtmf)
        elif channel.label == CONTROL_CHANNEL:
            self._control = channel
            channel.on("message", self._on_control)
        else:
            log.debug("%s: ignoring data channel %r", self._call_id, channel.label)

    def _on_dtmf(self, message: str | bytes) -> None:
        try:
            key = parse_dtmf(message)
        except DataChannelMessageError as exc:
            log.warning("%s: %s", self._call_id, exc)
            return
        if not self._ended:
            self._inbound.put_nowait(DtmfDigit(key, self._clock.now()))

    def _on_control(self, message: str | bytes) -> None:
        try:
            parse_control(message)
        except DataChannelMessageError as exc:
            log.warning("%s: %s", self._call_id, exc)
            return
        self._end("remote hangup")

    def _on_connection_state(self) -> None:
        state = self._pc.connectionState
        if state in ("failed", "closed"):
            self._end(f"connection {state}")

    # ---- helpers ------------------------------------------------------------------------

    def _end(self, reason: str) -> None:
        if not self._ended:
            self._ended = True
            self._ended_event.set()
            self._inbound.put_nowait(LegHangup(reason, self._clock.now()))

    async def _tell_page(self, message: ControlMessage) -> None:
        channel = self._control
        if channel is None or channel.readyState != "open":
            return
        channel.send(message.to_json())
        deadline = self._clock.now() + _FLUSH_TIMEOUT
        while channel.bufferedAmount > 0 and self._clock.now() < deadline:
            await self._clock.sleep(0.01)
