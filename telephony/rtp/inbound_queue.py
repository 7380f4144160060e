"""The bounded queue between the RTP socket and the call: drops the oldest audio, never a digit."""

from __future__ import annotations

import asyncio
from collections import deque

from telephony.leg import DtmfDigit
from telephony.rtp.errors import RtpSessionClosed
from voicebot.audio import AudioFrame

InboundEvent = AudioFrame | DtmfDigit


class InboundQueue:
    def __init__(self, max_items: int = 100) -> None:
        if max_items < 1:
            raise ValueError(f"inbound queue needs room for at least 1 item, got {max_items}")
        self.max_items = max_items
        self.dropped = 0
        self._items: deque[InboundEvent] = deque()
        self._ready = asyncio.Event()
        self._closed = False

    def __len__(self) -> int:
        return len(self._items)

    def put(self, item: InboundEvent) -> None:
        if len(self._items) >= self.max_items:
            self._drop_oldest_audio()
        self._items.append(item)
        self._ready.set()

    def _drop_oldest_audio(self) -> None:
        for index, queued in enumerate(self._items):
            if isinstance(queued, AudioFrame):
                del self._items[index]
                self.dropped += 1
                return
        self._items.popleft()  # only digits queued: nobody is reading, the oldest must go
        self.dropped += 1

    def close(self) -> None:
        self._closed = True
        self._ready.set()

    async def get(self) -> InboundEvent:
        """The oldest item; RtpSessionClosed once closed and empty."""
        while not self._items:
            if self._closed:
                raise RtpSessionClosed("RTP session is closed")
            self._ready.clear()
            await self._ready.wait()
        return self._items.popleft()
