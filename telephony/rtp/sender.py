"""Outbound packetization, pure: 16 kHz AudioFrames and DTMF presses in, RTP packets out."""

from __future__ import annotations

import secrets

from telephony.rtp.codec import G711Codec
from telephony.rtp.dtmf import dtmf_packets
from telephony.rtp.packet import RtpPacket
from voicebot.audio import AudioFrame, Framer, StreamResampler

PACKET_MS = 20


class RtpSender:
    """Numbers packets from random initial sequence and timestamp (RFC 3550): one 20 ms frame in,
    one packet out (the resampler is primed, so its filter delay is a few ms of leading silence).
    """

    def __init__(
        self,
        codec: G711Codec,
        dtmf_payload_type: int | None = 101,
        ssrc: int | None = None,
        first_sequence: int | None = None,
        first_timestamp: int | None = None,
    ) -> None:
        self.codec = codec
        self.dtmf_payload_type = dtmf_payload_type
        self.ssrc = secrets.randbits(32) if ssrc is None else ssrc
        self.sequence = secrets.randbits(16) if first_sequence is None else first_sequence
        self.timestamp = secrets.randbits(32) if first_timestamp is None else first_timestamp
        self.samples_per_packet = codec.clock_rate * PACKET_MS // 1000
        self.packet_count = 0
        self.octet_count = 0
        self._framer = Framer(codec.clock_rate)
        self._resampler: StreamResampler | None = None
        self._talkspurt_start = True

    def _packet(self, payload_type: int, payload: bytes, timestamp: int, marker: bool) -> RtpPacket:
        packet = RtpPacket(payload_type, self.sequence, timestamp, self.ssrc, payload, marker)
        self.sequence = (self.sequence + 1) & 0xFFFF
        self.packet_count += 1
        self.octet_count += len(payload)
        return packet

    def audio(self, frame: AudioFrame) -> list[RtpPacket]:
        if self._resampler is None or self._resampler.from_rate != frame.sample_rate:
            self._resampler = StreamResampler(frame.sample_rate, self.codec.clock_rate)
            self._resampler.prime(len(frame.samples))  # one packet per frame from the first
        packets = []
        for chunk in self._framer.push(self._resampler.process(frame.samples)):
            payload = self.codec.encode(chunk.samples)
            packets.append(
                self._packet(
                    self.codec.payload_type, payload, self.timestamp, self._talkspurt_start
                )
            )
            self._talkspurt_start = False
            self.timestamp = (self.timestamp + self.samples_per_packet) & 0xFFFFFFFF
        return packets

    def dtmf(self, digit: str, duration_ms: int = 100, volume: int = 10) -> list[RtpPacket]:
        """All packets of one key press, to be sent 20 ms apart; audio timestamps move past them."""
        if self.dtmf_payload_type is None:
            raise ValueError("this RTP session negotiated no telephone-event payload type")
        payloads = dtmf_packets(digit, duration_ms, volume, PACKET_MS, self.codec.clock_rate)
        event_timestamp = self.timestamp
        packets = [
            self._packet(self.dtmf_payload_type, payload, event_timestamp, index == 0)
            for index, payload in enumerate(payloads)
        ]
        self.timestamp = (self.timestamp + len(payloads) * self.samples_per_packet) & 0xFFFFFFFF
        self._talkspurt_start = True  # audio after an event starts a new talkspurt
        return packets
