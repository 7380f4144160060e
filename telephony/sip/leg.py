"""SipCallLeg: one SIP call as a telephony.leg.CallLeg.

Inbound events (audio from RTP, DTMF from RFC 4733 or SIP INFO, the final LegHangup) go through one
bounded queue whose overflow policy drops the oldest *audio* frame (counted in `audio_dropped`);
DTMF and the hangup are never dropped. Signaling (BYE, REFER) is delegated to the call's
CallControl, which the server or client owns.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Mapping
from typing import Protocol

from telephony.leg import DtmfDigit, LegEvent, LegHangup, TransferResult
from telephony.sip.media import MediaSession
from voicebot.audio import AudioFrame

MAX_QUEUED_AUDIO = 50  # one second of 20 ms frames: beyond it the reader is too slow anyway


class CallControl(Protocol):
    async def hangup(self, reason: str) -> None: ...

    async def send_dtmf(self, digit: str, duration_ms: int) -> None: ...

    async def transfer(self, target: str, context: Mapping[str, str]) -> TransferResult: ...


class SipCallLeg:
    def __init__(
        self,
        call_id: str,
        remote_party: str,
        control: CallControl,
        media: MediaSession,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self._call_id = call_id
        self._remote_party = remote_party
        self._control = control
        self.media = media
        self.headers = dict(headers or {})  # X- and other headers of the INVITE, for the dialog
        self._queue: deque[LegEvent] = deque()
        self._audio_queued = 0
        self._wakeup = asyncio.Event()
        self._ended = False
        self.audio_dropped = 0
        self.on_hold = False

    @property
    def call_id(self) -> str:
        return self._call_id

    @property
    def remote_party(self) -> str:
        return self._remote_party

    @property
    def ended(self) -> bool:
        return self._ended

    # -- MediaSink: called by the media session and by the call's signaling --------------------

    def audio(self, frame: AudioFrame) -> None:
        if self._ended:
            return
        if self._audio_queued >= MAX_QUEUED_AUDIO:
            for index, event in enumerate(self._queue):
                if isinstance(event, AudioFrame):
                    del self._queue[index]
                    self._audio_queued -= 1
                    self.audio_dropped += 1
                    break
        self._queue.append(frame)
        self._audio_queued += 1
        self._wakeup.set()

    def dtmf(self, digit: DtmfDigit) -> None:
        if not self._ended:
            self._queue.append(digit)
            self._wakeup.set()

    def media_lost(self, reason: str) -> None:
        self.end(reason)

    def end(self, reason: str, timestamp: float = 0.0, *, local: bool = False) -> None:
        """Queue the final LegHangup (once); nothing is queued after it. `local`: we hung up."""
        if not self._ended:
            self._ended = True
            self._queue.append(LegHangup(reason, timestamp, local))
            self._wakeup.set()

    # -- CallLeg ---------------------------------------------------------------------------------

    async def events(self) -> AsyncIterator[LegEvent]:
        while True:
            while not self._queue:
                self._wakeup.clear()
                await self._wakeup.wait()
            event = self._queue.popleft()
            if isinstance(event, AudioFrame):
                self._audio_queued -= 1
            yield event
            if isinstance(event, LegHangup):
                return

    async def send_audio(self, frame: AudioFrame) -> None:
        if not self._ended:
            await self.media.send_audio(frame)

    async def hangup(self, reason: str = "bot hangup") -> None:
        await self._control.hangup(reason)

    async def send_dtmf(self, digit: str, duration_ms: int = 100) -> None:
        """Press a key towards the peer (RFC 4733 when negotiated, else SIP INFO); beyond CallLeg,
        for outbound calls that must steer a remote IVR."""
        await self._control.send_dtmf(digit, duration_ms)

    async def transfer(self, target: str, context: Mapping[str, str]) -> TransferResult:
        return await self._control.transfer(target, context)
