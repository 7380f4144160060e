"""Inbound media, pure: RTP packets in (any order), one 16 kHz AudioFrame per playout tick out.

G.711 audio goes through the jitter buffer, is decoded, concealed where lost and resampled to the
engine rate; telephone-events become DtmfDigits; every packet feeds the RTCP receiver statistics.
"""

from __future__ import annotations

import numpy as np

from telephony.leg import DtmfDigit
from telephony.rtp.codec import G711Codec
from telephony.rtp.dtmf import DtmfReceiver
from telephony.rtp.jitter import Concealment, ConcealmentKind, JitterBuffer, Playout
from telephony.rtp.packet import RtpPacket
from telephony.rtp.rtcp import ReceiverStatistics
from voicebot.audio import ENGINE_RATE, AudioFrame, Framer, StreamResampler, gain

MAX_CONCEALED = 3  # consecutive lost packets replayed (fading) before falling back to silence
FADE_DB = -6.0


class InboundMedia:
    def __init__(
        self,
        codec: G711Codec,
        dtmf_payload_type: int | None = 101,
        jitter_capacity: int = 8,
        jitter_prefetch: int = 2,
        output_rate: int = ENGINE_RATE,
    ) -> None:
        self.codec = codec
        self.dtmf_payload_type = dtmf_payload_type
        self.output_rate = output_rate
        self.jitter = JitterBuffer(jitter_capacity, jitter_prefetch, codec.clock_rate // 50)
        self.dtmf = DtmfReceiver(codec.clock_rate)
        self.statistics: ReceiverStatistics | None = None
        self.ignored_packets = 0  # payload types we did not negotiate (comfort noise, video, ...)
        self._resampler = StreamResampler(codec.clock_rate, output_rate)
        self._resampler.prime(self.jitter.samples_per_packet)  # one whole frame per tick
        self._framer = Framer(output_rate)
        self._last_audio: np.ndarray | None = None
        self._concealed = 0
        self._media_started = False

    def receive(self, packet: RtpPacket, arrival: float) -> list[DtmfDigit]:
        if self.statistics is None or self.statistics.ssrc != packet.ssrc:
            self.statistics = ReceiverStatistics(packet.ssrc, self.codec.clock_rate)
        self.statistics.update(packet, arrival)
        if packet.payload_type == self.codec.payload_type:
            self.jitter.push(packet)
            self._media_started = True
            return []
        if packet.payload_type == self.dtmf_payload_type:
            return self.dtmf.push(packet, arrival)
        self.ignored_packets += 1
        return []

    def tick(self, now: float) -> list[AudioFrame | DtmfDigit]:
        """One playout tick: the next 20 ms of caller audio (none before media starts)."""
        events: list[AudioFrame | DtmfDigit] = list(self.dtmf.expire(now))
        if not self._media_started:
            return events
        match self.jitter.pop():
            case Playout(packet):
                audio = self.codec.decode(packet.payload)
                self._last_audio = audio
                self._concealed = 0
            case Concealment(kind=ConcealmentKind.LOSS) if (
                self._last_audio is not None and self._concealed < MAX_CONCEALED
            ):
                self._concealed += 1
                audio = gain(self._last_audio, FADE_DB * self._concealed)
            case Concealment():
                audio = np.zeros(self.jitter.samples_per_packet, dtype=np.int16)
        frames = self._framer.push(self._resampler.process(audio))
        for index, frame in enumerate(frames):
            events.append(AudioFrame(frame.samples, self.output_rate, now + index * frame.duration))
        return events
