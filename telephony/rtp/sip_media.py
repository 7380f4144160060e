"""RtpSession as the SIP layer's MediaSession (telephony.sip.media): the SIP call's audio path.

    server = SipServer(SipServerOptions(media_factory=RtpMediaSession.open, ...))

open() binds the port for the SDP; start() applies what offer/answer settled and forwards inbound
frames and digits to the SipCallLeg (the MediaSink); update() follows re-INVITEs (hold, resume,
a new address). With no RTP for `media_timeout_s` while receiving is expected, the sink hears
media_lost, so a caller who vanished without a BYE does not hold the bot forever.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging

from telephony.leg import DtmfDigit
from telephony.rtp.clock import PacingClock
from telephony.rtp.codec import CODECS, G711Codec
from telephony.rtp.session import RtpSession, RtpSessionConfig
from telephony.sdp import MediaParams
from telephony.sip.media import MediaSink
from telephony.tasks import cancel_and_wait
from voicebot.audio import AudioFrame

log = logging.getLogger(__name__)


def codec_for(params: MediaParams) -> G711Codec:
    codec = CODECS.get(params.codec.upper())
    if codec is None or params.clock_rate != codec.clock_rate:
        raise ValueError(
            f"RTP media supports PCMU/8000 and PCMA/8000, not {params.codec}/{params.clock_rate}"
        )
    if params.payload_type != codec.payload_type:  # a dynamic number for a static codec
        codec = dataclasses.replace(codec, payload_type=params.payload_type)
    return codec


class RtpMediaSession:
    def __init__(self, session: RtpSession, media_timeout_s: float = 30.0) -> None:
        self.session = session
        self.media_timeout_s = media_timeout_s
        self.params: MediaParams | None = None
        self._sink: MediaSink | None = None
        self._tasks: list[asyncio.Task[None]] = []

    @classmethod
    async def open(
        cls, local_ip: str, clock: PacingClock | None = None, media_timeout_s: float = 30.0
    ) -> RtpMediaSession:
        session = RtpSession(RtpSessionConfig(bind_host=local_ip), clock)
        await session.bind()
        return cls(session, media_timeout_s)

    @property
    def local_port(self) -> int:
        return self.session.local_address[1]

    async def start(self, params: MediaParams, sink: MediaSink) -> None:
        self._sink = sink
        self.session.set_codec(codec_for(params), params.telephone_event_pt)
        self.update(params)
        await self.session.start()
        self._tasks = [
            asyncio.create_task(self._forward(sink), name="rtp-forward"),
            asyncio.create_task(self._watch_timeout(sink), name="rtp-timeout"),
        ]

    def update(self, params: MediaParams) -> None:
        if self.params is not None and codec_for(params) != self.session.sender.codec:
            self.session.set_codec(codec_for(params), params.telephone_event_pt)
        self.params = params
        remote = (params.remote_address, params.remote_port)
        if params.can_send and remote != self.session.remote:
            self.session.remote = remote  # symmetric RTP may still latch onto the real source

    async def send_audio(self, frame: AudioFrame) -> None:
        if self.params is not None and self.params.can_send:
            self.session.send_frame(frame)

    async def send_dtmf(self, digit: str, duration_ms: int = 100) -> None:
        await self.session.send_dtmf(digit, duration_ms)

    async def close(self) -> None:
        await cancel_and_wait(self._tasks)
        await self.session.close()

    async def _forward(self, sink: MediaSink) -> None:
        async for event in self.session.events():
            if isinstance(event, DtmfDigit):
                sink.dtmf(event)
            elif self.params is None or self.params.can_receive:
                sink.audio(event)

    async def _watch_timeout(self, sink: MediaSink) -> None:
        clock = self.session.clock
        last_count = self.session.stats.packets_received
        last_change = clock.now()
        while True:
            await clock.sleep_until(clock.now() + min(1.0, self.media_timeout_s))
            count = self.session.stats.packets_received
            expecting = self.params is not None and self.params.can_receive
            if count != last_count or not expecting:
                last_count, last_change = count, clock.now()
            elif clock.now() - last_change >= self.media_timeout_s:
                log.info("no RTP for %.0f s: media lost", self.media_timeout_s)
                sink.media_lost(f"no RTP for {self.media_timeout_s:g} s")
                return
