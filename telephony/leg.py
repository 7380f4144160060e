"""The seam between a transport (SIP, WebRTC, a WAV file) and the conversation engine.

A CallLeg is one party's media and signaling. Inbound it yields 16 kHz mono int16 AudioFrames
(20 ms), DTMF digits and a final LegHangup; outbound it takes 16 kHz frames, already paced by the
conversation's single playout clock, and converts them to whatever the wire needs (G.711 8 kHz,
Opus 48 kHz, a WAV file). The leg never paces or buffers bot audio beyond a small bounded queue.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from voicebot.audio import AudioFrame


@dataclass(frozen=True, slots=True)
class DtmfDigit:
    """One key press: 0-9, *, #, A-D. `timestamp` is on the call's Clock; `duration` in seconds."""

    digit: str
    timestamp: float = 0.0
    duration: float = 0.1


@dataclass(frozen=True, slots=True)
class LegHangup:
    """The far end hung up (or the transport failed). Always the last inbound event."""

    reason: str = "remote hangup"
    timestamp: float = 0.0
    # this side ended the call (server shutdown, a hangup by the transport itself)
    local: bool = False


LegEvent = AudioFrame | DtmfDigit | LegHangup


@dataclass(frozen=True, slots=True)
class TransferResult:
    accepted: bool
    detail: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)


@runtime_checkable
class CallLeg(Protocol):
    @property
    def call_id(self) -> str: ...

    @property
    def remote_party(self) -> str:
        """Caller number / URI / browser id, as the dialog should see it."""

    def events(self) -> AsyncIterator[LegEvent]:
        """Inbound audio, DTMF and hangup. Ends after LegHangup."""

    async def send_audio(self, frame: AudioFrame) -> None:
        """One 20 ms 16 kHz frame of bot audio, called on the playout clock's schedule."""

    async def hangup(self, reason: str = "bot hangup") -> None: ...

    async def transfer(self, target: str, context: Mapping[str, str]) -> TransferResult:
        """Hand the caller to `target` (a queue name or SIP URI) carrying `context`."""
