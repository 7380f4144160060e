"""The media seam of a SIP call: what the signaling needs from an RTP session.

The SIP layer opens a session (it needs the local port for the SDP), starts it once offer/answer
settled, updates it on re-INVITE (hold, resume, a new remote address) and closes it. Inbound audio,
RFC 4733 digits and media timeouts come back through a MediaSink, which SipCallLeg implements.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol

from telephony.leg import DtmfDigit
from telephony.sdp import MediaParams
from voicebot.audio import AudioFrame


class MediaSink(Protocol):
    def audio(self, frame: AudioFrame) -> None: ...

    def dtmf(self, digit: DtmfDigit) -> None: ...

    def media_lost(self, reason: str) -> None: ...


class MediaSession(Protocol):
    @property
    def local_port(self) -> int: ...

    async def start(self, params: MediaParams, sink: MediaSink) -> None: ...

    def update(self, params: MediaParams) -> None: ...

    async def send_audio(self, frame: AudioFrame) -> None: ...

    async def close(self) -> None: ...


# local IP address -> a session bound to a free port there
MediaFactory = Callable[[str], Awaitable[MediaSession]]


class _Discard(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.packets = 0

    def datagram_received(self, data: bytes, addr: tuple) -> None:
        self.packets += 1


class DiscardMedia:
    """Signaling-only media: a real UDP port for the SDP whose packets are counted and discarded,
    and bot audio that goes nowhere. For SIP tests and load runs without RTP."""

    def __init__(self, transport: asyncio.DatagramTransport, protocol: _Discard) -> None:
        self._transport = transport
        self._protocol = protocol
        self.frames_dropped = 0
        self.params: MediaParams | None = None

    @classmethod
    async def open(cls, local_ip: str) -> DiscardMedia:
        loop = asyncio.get_running_loop()
        transport, protocol = await loop.create_datagram_endpoint(
            _Discard, local_addr=(local_ip, 0)
        )
        return cls(transport, protocol)

    @property
    def packets_received(self) -> int:
        return self._protocol.packets

    @property
    def local_port(self) -> int:
        return self._transport.get_extra_info("sockname")[1]

    async def start(self, params: MediaParams, sink: MediaSink) -> None:
        self.params = params

    def update(self, params: MediaParams) -> None:
        self.params = params

    async def send_audio(self, frame: AudioFrame) -> None:
        self.frames_dropped += 1

    async def close(self) -> None:
        self._transport.close()
