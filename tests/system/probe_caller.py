"""A measuring SIP caller: dials the bot with the project's SIP client, waits for the greeting to
end, speaks one utterance over RTP (PCMU) and times the bot's answer as a caller hears it.

Turn latency here is what a person on the phone experiences: from the send time of the last RTP
packet that carries the caller's speech to the arrival of the first loud packet of the bot's
answer. The media is a raw UDP socket (ProbeMedia) rather than the full RTP session with a jitter
buffer, so nothing on the caller side adds delay and forty callers stay cheap.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from telephony.rtp.codec import PCMU
from telephony.rtp.packet import RtpPacket
from telephony.sdp import MediaParams
from telephony.sip.client import SipClient
from telephony.sip.leg import SipCallLeg
from telephony.sip.media import MediaSink
from telephony.sip.server import ServerOptions, SipServer
from tests.sip.sip_helpers import free_port

PACKET_S = 0.020
SAMPLES_PER_PACKET = 160  # 20 ms at 8 kHz
LOUD_RMS = 200.0  # decoded μ-law int16; the bot's silence decodes to 0, speech to thousands


# ---- pure: loudness and timing ---------------------------------------------------------------


def payload_rms(payload: bytes) -> float:
    samples = PCMU.decode(payload).astype(np.float64)
    return float(np.sqrt((samples**2).mean())) if len(samples) else 0.0


def answer_onset(
    heard: Sequence[tuple[float, float]], after: float, threshold: float = LOUD_RMS
) -> float | None:
    """Arrival time of the first loud packet after `after`; None if the bot stayed quiet."""
    for at, rms in heard:
        if at > after and rms > threshold:
            return at
    return None


def quiet_for(
    heard: Sequence[tuple[float, float]], now: float, threshold: float = LOUD_RMS
) -> float | None:
    """Seconds since the last loud packet; None before anything loud arrived."""
    for at, rms in reversed(heard):
        if rms > threshold:
            return now - at
    return None


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def utterance_payloads(audio_8k: np.ndarray) -> list[bytes]:
    """PCMU payloads of 20 ms each, the last one padded with silence."""
    padded = np.concatenate(
        [audio_8k, np.zeros(-len(audio_8k) % SAMPLES_PER_PACKET, dtype=np.int16)]
    )
    return [
        PCMU.encode(padded[i : i + SAMPLES_PER_PACKET])
        for i in range(0, len(padded), SAMPLES_PER_PACKET)
    ]


# ---- I/O: a raw RTP media session for the SIP client --------------------------------------------


class _Receiver(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.media: ProbeMedia | None = None

    def datagram_received(self, data: bytes, addr: tuple) -> None:
        if self.media is not None:
            self.media.received(data)


class ProbeMedia:
    """The SIP layer's MediaSession over one UDP socket: keeps (arrival, RMS) of every inbound
    PCMU packet in `heard`; the caller sends payloads itself with `send_payload`."""

    def __init__(self, transport: asyncio.DatagramTransport) -> None:
        self._transport = transport
        self.params: MediaParams | None = None
        self.heard: list[tuple[float, float]] = []
        self.packets_sent = 0
        self._sequence = 0
        self._timestamp = 0

    @classmethod
    async def open(cls, local_ip: str) -> ProbeMedia:
        loop = asyncio.get_running_loop()
        transport, receiver = await loop.create_datagram_endpoint(
            _Receiver, local_addr=(local_ip, 0)
        )
        receiver.media = media = cls(transport)
        return media

    @property
    def local_port(self) -> int:
        return self._transport.get_extra_info("sockname")[1]

    async def start(self, params: MediaParams, sink: MediaSink) -> None:
        self.params = params

    def update(self, params: MediaParams) -> None:
        self.params = params

    async def send_audio(self, frame: object) -> None:
        """Unused: the probe sends prepared payloads on its own schedule."""

    async def close(self) -> None:
        self._transport.close()

    def received(self, data: bytes) -> None:
        try:
            packet = RtpPacket.parse(data)
        except ValueError:
            return
        if packet.payload_type == PCMU.payload_type:
            self.heard.append((time.monotonic(), payload_rms(packet.payload)))

    def send_payload(self, payload: bytes) -> float:
        """Send one PCMU packet now; its send time."""
        if self.params is None:
            return time.monotonic()
        packet = RtpPacket(0, self._sequence, self._timestamp, 0xCA11E2, payload)
        self._transport.sendto(bytes(packet), (self.params.remote_address, self.params.remote_port))
        self._sequence = (self._sequence + 1) & 0xFFFF
        self._timestamp = (self._timestamp + SAMPLES_PER_PACKET) & 0xFFFFFFFF
        self.packets_sent += 1
        return time.monotonic()


# ---- one measured turn -----------------------------------------------------------------------


def loud_between(
    heard: Sequence[tuple[float, float]], start: float, end: float, threshold: float = LOUD_RMS
) -> bool:
    """Did the bot make sound while the caller spoke? Then the turn is not a clean one to time."""
    return any(start <= at <= end and rms > threshold for at, rms in heard)


def loud_seconds(heard: Sequence[tuple[float, float]], threshold: float = LOUD_RMS) -> float:
    """How much loud audio arrived: stalls add gaps, never loud packets, so this counts progress."""
    return PACKET_S * sum(1 for _, rms in heard if rms > threshold)


@dataclass(frozen=True)
class ProbeConfig:
    greeting_quiet_s: float = 1.2  # this much bot silence after its audio means the greeting ended
    greeting_loud_s: float = 3.0  # ...once this much loud greeting arrived (a stalled server also
    # pauses mid-greeting); ProbeCaller.measure_greeting tells the right value for a dialog
    greeting_limit_s: float = 30.0
    answer_limit_s: float = 8.0


@dataclass
class TurnResult:
    caller: str
    # "answered" (with a latency), or why not: dial failure, no greeting, overlap, no answer
    outcome: str
    latency_s: float | None = None
    greeting_s: float | None = None  # answer -> greeting over, as heard


class ProbeCaller:
    """Places measured calls from one local SIP endpoint (its own UDP/TCP port on 127.0.0.1)."""

    def __init__(self, config: ProbeConfig = ProbeConfig()) -> None:
        self.config = config
        self._server = SipServer(
            "127.0.0.1",
            free_port(),
            on_call=self._refuse,
            rate_limit=None,
            options=ServerOptions(media_factory=ProbeMedia.open, tcp=False),
        )
        self._client = SipClient(self._server)

    async def __aenter__(self) -> ProbeCaller:
        await self._server.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._server.stop()

    @staticmethod
    async def _refuse(leg: object) -> None:
        raise RuntimeError("the probe places calls, it takes none")

    async def dial(self, target: str, caller: str) -> tuple[SipCallLeg, ProbeMedia]:
        """An answered call from `caller`; raises RuntimeError when it is not answered."""
        dialed = await self._client.dial(target, from_user=caller, ring_timeout=10.0)
        if not dialed.answered or dialed.leg is None:
            raise RuntimeError(f"dial {dialed.outcome}: {dialed.status} {dialed.reason}")
        media = dialed.leg.media
        assert isinstance(media, ProbeMedia)
        return dialed.leg, media

    async def measure_greeting(self, target: str, quiet_s: float = 3.0) -> float:
        """Loud seconds of the greeting, heard alone on one call until the bot is quiet `quiet_s`."""
        leg, media = await self.dial(target, "probe-greeting")
        silence = PCMU.encode(np.zeros(SAMPLES_PER_PACKET, np.int16))
        start = time.monotonic()
        try:
            for tick in range(round(self.config.greeting_limit_s / PACKET_S)):
                await asyncio.sleep(max(0.0, start + tick * PACKET_S - time.monotonic()))
                now = media.send_payload(silence)
                quiet = quiet_for(media.heard, now)
                if quiet is not None and quiet >= quiet_s:
                    return loud_seconds(media.heard)
            raise RuntimeError(f"the greeting did not end within {self.config.greeting_limit_s} s")
        finally:
            await leg.hangup("greeting measured")

    async def one_turn(self, target: str, caller: str, speech: Sequence[bytes]) -> TurnResult:
        """Dial, wait out the greeting, say `speech` (PCMU payloads), time the answer, hang up."""
        try:
            leg, media = await self.dial(target, caller)
        except RuntimeError as exc:
            return TurnResult(caller, str(exc))
        try:
            return await self._converse(caller, media, speech, leg)
        finally:
            if not leg.ended:
                await leg.hangup("probe done")

    async def _converse(
        self, caller: str, media: ProbeMedia, speech: Sequence[bytes], leg: SipCallLeg
    ) -> TurnResult:
        config = self.config
        silence = PCMU.encode(np.zeros(SAMPLES_PER_PACKET, np.int16))
        answered_at = time.monotonic()
        tick = 0

        async def send(payload: bytes) -> float:
            nonlocal tick
            deadline = answered_at + tick * PACKET_S
            tick += 1
            await asyncio.sleep(max(0.0, deadline - time.monotonic()))
            return media.send_payload(payload)

        while True:  # the greeting: wait until the bot spoke and then fell quiet
            now = await send(silence)
            quiet = quiet_for(media.heard, now)
            if (
                quiet is not None
                and quiet >= config.greeting_quiet_s
                and loud_seconds(media.heard) >= config.greeting_loud_s
            ):
                greeting_s = now - answered_at
                break
            if now - answered_at > config.greeting_limit_s or leg.ended:
                return TurnResult(caller, "no greeting")
        first_speech = last_speech = time.monotonic()
        for payload in speech:
            last_speech = await send(payload)
        if loud_between(media.heard, first_speech, last_speech):
            return TurnResult(caller, "bot talked over the caller", None, greeting_s)
        while True:  # the answer: keep the line alive with silence until the bot speaks
            now = await send(silence)
            onset = answer_onset(media.heard, last_speech)
            if onset is not None:
                return TurnResult(caller, "answered", onset - last_speech, greeting_s)
            if now - last_speech > config.answer_limit_s or leg.ended:
                return TurnResult(caller, "no answer", None, greeting_s)
