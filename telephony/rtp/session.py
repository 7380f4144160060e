"""An RTP session on an asyncio UDP socket: G.711 + telephone-events, symmetric RTP, rtcp-mux.

    async with RtpSession(RtpSessionConfig(codec=PCMU, dtmf_payload_type=101)) as rtp:
        rtp.remote = ("192.0.2.7", 40000)  # from the SDP; replaced by the first packet's source
        rtp.send_frame(frame)              # one 16 kHz frame, sent at once: the caller paces
        event = await rtp.receive()        # a 16 kHz AudioFrame every 20 ms, or a DtmfDigit

The session owns two tasks, started by start() and ended by close(): the inbound playout tick
(start + n x 20 ms on the injected clock) and, with rtcp-mux negotiated, the RTCP reporter.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from telephony.rtp.clock import MonotonicPacingClock, PacingClock
from telephony.rtp.codec import PCMU, G711Codec
from telephony.rtp.errors import RtpNotStarted, RtpSessionClosed
from telephony.rtp.inbound import InboundMedia
from telephony.rtp.inbound_queue import InboundEvent, InboundQueue
from telephony.rtp.packet import RtpPacket, is_rtcp
from telephony.rtp.rtcp import (
    ReceiverReport,
    SenderReport,
    ntp_timestamp,
    parse_rtcp,
    sdes_cname,
)
from telephony.rtp.sender import PACKET_MS, RtpSender
from telephony.tasks import cancel_and_wait
from voicebot.audio import AudioFrame

log = logging.getLogger(__name__)
Address = tuple[str, int]
TICK_S = PACKET_MS / 1000


@dataclass(frozen=True, slots=True)
class RtpSessionConfig:
    codec: G711Codec = PCMU
    dtmf_payload_type: int | None = 101  # as negotiated in SDP; None: no telephone-event
    bind_host: str = "127.0.0.1"
    bind_port: int = 0  # 0: any free port
    remote: Address | None = None
    symmetric: bool = True  # latch onto the source of the first RTP packet (NAT traversal)
    jitter_capacity: int = 8  # packets: also the most latency the jitter buffer may add
    jitter_prefetch: int = 2
    inbound_queue_frames: int = 100  # 2 s of audio; beyond it the oldest is dropped
    # RTCP goes out on the RTP port (rtcp-mux, RFC 5761): set this only when SDP negotiated
    # a=rtcp-mux; None sends none. Inbound RTCP on the RTP port is always understood.
    rtcp_interval_s: float | None = None
    cname: str = "voicebot"


@dataclass(slots=True)
class RtpSessionStats:
    packets_sent: int = 0
    packets_received: int = 0
    malformed: int = 0
    foreign: int = 0  # packets from another address after latching, ignored
    unsent: int = 0  # frames to send while no remote address was known
    audio_during_dtmf: int = 0  # frames not sent while a DTMF event was on the wire
    rtcp_sent: int = 0
    rtcp_received: int = 0


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, session: RtpSession) -> None:
        self._session = session

    def datagram_received(self, data: bytes, addr: Address) -> None:
        self._session._datagram(data, addr)

    def error_received(self, exc: Exception) -> None:
        log.debug("RTP socket error: %s", exc)  # ICMP port unreachable while the far end starts


class RtpSession:
    def __init__(
        self, config: RtpSessionConfig | None = None, clock: PacingClock | None = None
    ) -> None:
        self.config = config or RtpSessionConfig()
        self.clock = clock or MonotonicPacingClock()
        self._remote: Address | None = self.config.remote
        self.stats = RtpSessionStats()
        self.sender = RtpSender(self.config.codec, self.config.dtmf_payload_type)
        self.media = InboundMedia(
            self.config.codec,
            self.config.dtmf_payload_type,
            self.config.jitter_capacity,
            self.config.jitter_prefetch,
        )
        self.queue = InboundQueue(self.config.inbound_queue_frames)
        self.last_remote_report: SenderReport | ReceiverReport | None = None
        self._transport: asyncio.DatagramTransport | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._latched = False
        self._dtmf_lock = asyncio.Lock()

    async def __aenter__(self) -> RtpSession:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def remote(self) -> Address | None:
        """Where packets go; with `symmetric`, the source of the first RTP packet received."""
        return self._remote

    @remote.setter
    def remote(self, address: Address | None) -> None:
        """Set from SDP (offer, answer or re-INVITE); symmetric RTP latches anew afterwards."""
        self._remote = address
        self._latched = False

    @property
    def local_address(self) -> Address:
        if self._transport is None:
            raise RtpNotStarted("RTP session has no socket yet: call bind() or start() first")
        host, port = self._transport.get_extra_info("sockname")[:2]
        return host, port

    async def bind(self) -> Address:
        """Open the UDP socket (once) and return its address: SIP needs the port for its SDP
        before offer/answer has chosen the codec."""
        if self._transport is None:
            loop = asyncio.get_running_loop()
            self._transport, _ = await loop.create_datagram_endpoint(
                lambda: _Protocol(self), local_addr=(self.config.bind_host, self.config.bind_port)
            )
        return self.local_address

    def set_codec(self, codec: G711Codec, dtmf_payload_type: int | None) -> None:
        """Switch to what offer/answer chose; our SSRC, sequence and timestamp carry on."""
        old = self.sender
        self.sender = RtpSender(codec, dtmf_payload_type, old.ssrc, old.sequence, old.timestamp)
        self.sender.packet_count, self.sender.octet_count = old.packet_count, old.octet_count
        self.media = InboundMedia(
            codec, dtmf_payload_type, self.config.jitter_capacity, self.config.jitter_prefetch
        )

    async def start(self) -> None:
        """Bind if needed and start the playout tick (and RTCP); inbound frames flow from now."""
        if self._tasks:
            return
        await self.bind()
        self._tasks.append(asyncio.create_task(self._playout(), name="rtp-playout"))
        if self.config.rtcp_interval_s:
            self._tasks.append(asyncio.create_task(self._rtcp(), name="rtp-rtcp"))

    async def close(self) -> None:
        await cancel_and_wait(self._tasks)
        if self._transport is not None:
            self._transport.close()
        self.queue.close()

    # inbound

    async def receive(self) -> InboundEvent:
        """The next 16 kHz AudioFrame or DtmfDigit; RtpSessionClosed after close()."""
        return await self.queue.get()

    async def events(self) -> AsyncIterator[InboundEvent]:
        """Inbound frames and digits until the session is closed."""
        while True:
            try:
                yield await self.queue.get()
            except RtpSessionClosed:
                return

    def _datagram(self, data: bytes, addr: Address) -> None:
        if self._latched and addr != self._remote:
            self.stats.foreign += 1
            return
        if is_rtcp(data):
            self._receive_rtcp(data)
            return
        try:
            packet = RtpPacket.parse(data)
        except ValueError as exc:
            self.stats.malformed += 1
            log.debug("malformed RTP from %s: %s", addr, exc)
            return
        if self.config.symmetric and not self._latched:
            self._remote = addr
            self._latched = True
        self.stats.packets_received += 1
        for digit in self.media.receive(packet, self.clock.now()):
            self.queue.put(digit)

    def _receive_rtcp(self, data: bytes) -> None:
        try:
            packets = parse_rtcp(data)
        except ValueError as exc:
            self.stats.malformed += 1
            log.debug("malformed RTCP: %s", exc)
            return
        self.stats.rtcp_received += 1
        for packet in packets:
            if isinstance(packet, SenderReport | ReceiverReport):
                self.last_remote_report = packet
            if isinstance(packet, SenderReport) and self.media.statistics is not None:
                self.media.statistics.on_sender_report(packet, self.clock.now())

    async def _playout(self) -> None:
        start = self.clock.now()
        tick = 0
        while True:
            deadline = start + tick * TICK_S
            await self.clock.sleep_until(deadline)
            for event in self.media.tick(deadline):
                self.queue.put(event)
            tick += 1

    # outbound

    def send_frame(self, frame: AudioFrame) -> None:
        """Packetize one frame and send what is ready now; pacing is the caller's (or RtpPacer's)."""
        if self._dtmf_lock.locked():
            self.stats.audio_during_dtmf += 1
            return
        for packet in self.sender.audio(frame):
            self._send(bytes(packet))

    async def send_dtmf(self, digit: str, duration_ms: int = 100) -> None:
        """Send one key press as RFC 4733 events, 20 ms apart; audio pauses meanwhile."""
        async with self._dtmf_lock:
            packets = self.sender.dtmf(digit, duration_ms)
            start = self.clock.now()
            for index, packet in enumerate(packets):
                await self.clock.sleep_until(start + index * TICK_S)
                self._send(bytes(packet))

    def _send(self, data: bytes) -> None:
        if self._transport is None:
            raise RtpNotStarted("RTP session has no socket yet: call start() first")
        if self._remote is None:
            self.stats.unsent += 1
            return
        self._transport.sendto(data, self._remote)
        self.stats.packets_sent += 1

    async def _rtcp(self) -> None:
        assert self.config.rtcp_interval_s
        start = self.clock.now()
        interval = 1
        while True:
            await self.clock.sleep_until(start + interval * self.config.rtcp_interval_s)
            interval += 1
            if self._remote is None or self._transport is None:
                continue
            compound = bytes(self.rtcp_report()) + sdes_cname(self.sender.ssrc, self.config.cname)
            self._transport.sendto(compound, self._remote)
            self.stats.rtcp_sent += 1

    def rtcp_report(self) -> SenderReport | ReceiverReport:
        """An SR once we have sent media, else an RR, with a block about the far end if known."""
        statistics = self.media.statistics
        blocks = () if statistics is None else (statistics.report_block(self.clock.now()),)
        if self.sender.packet_count:
            return SenderReport(
                self.sender.ssrc,
                ntp_timestamp(time.time()),  # SR carries wall-clock time by definition
                self.sender.timestamp,
                self.sender.packet_count,
                self.sender.octet_count,
                blocks,
            )
        return ReceiverReport(self.sender.ssrc, blocks)
