"""The outbound audio track: the bot's voice as aiortc's sender pulls it.

The conversation's playout clock is the one clock of the call: it hands the leg one 20 ms frame
per tick (bot audio or silence), and `recv()` returns each as soon as it is there, converted to
48 kHz. The track never paces itself: a second clock in series would drift against the first and
make the queue between them overflow or run dry. The queue is bounded (drop oldest, counted), so
a sender that stalls costs a fixed amount of memory and, at worst, a burst the far end's jitter
buffer absorbs.
"""

from __future__ import annotations

import asyncio

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from telephony.webrtc.bounded import DropOldestQueue
from telephony.webrtc.media import OutboundAudio
from voicebot.audio import AudioFrame


class BotAudioTrack(MediaStreamTrack):
    kind = "audio"

    def __init__(self, max_queued_frames: int = 25) -> None:
        super().__init__()
        self._queue: DropOldestQueue[AudioFrame] = DropOldestQueue(max_queued_frames)
        self._outbound = OutboundAudio()
        self.frames_sent = 0
        self.sending = asyncio.Event()  # set when aiortc first asks for audio: media is up

    @property
    def queued(self) -> int:
        return len(self._queue)

    @property
    def dropped(self) -> int:
        return self._queue.dropped

    def push(self, frame: AudioFrame) -> None:
        self._queue.put_nowait(frame)

    def flush(self) -> int:
        """Forget queued bot audio (barge-in); returns the number of frames discarded."""
        return self._queue.clear()

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        self.sending.set()
        frame = await self._queue.get()
        self.frames_sent += 1
        return self._outbound.next_frame(frame)
