"""The outbound audio track: the bot's voice as aiortc's sender pulls it.

The conversation's playout clock is the one clock of the call: it hands the leg one 20 ms frame
per tick (bot audio or silence), and `recv()` returns each as soon as it is there, converted to
48 kHz. The track never paces itself: a second clock in series would drift against the first and
make the queue between them overflow or run dry.

When aiortc's sender falls behind (its encoder waits for a thread on a busy machine), whatever is
queued becomes delay. So silence never queues up: a silent frame is skipped while others wait,
and the first word of a reply never waits behind a backlog of silence. Bot speech is bounded
too (drop oldest, counted), so a sender that stalls costs a fixed amount of memory.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from telephony.webrtc.bounded import DropOldestQueue
from telephony.webrtc.media import OutboundAudio
from voicebot.audio import AudioFrame

SILENCE_BACKLOG = 2  # silent frames may wait only while fewer than this many frames are queued


def _is_silent(frame: AudioFrame) -> bool:
    return not frame.samples.any()


class BotAudioTrack(MediaStreamTrack):
    kind = "audio"

    def __init__(
        self, max_queued_frames: int = 25, on_sent: Callable[[AudioFrame], None] | None = None
    ) -> None:
        super().__init__()
        self._on_sent = on_sent
        self._queue: DropOldestQueue[AudioFrame] = DropOldestQueue(max_queued_frames, _is_silent)
        self.silence_skipped = 0
        self._outbound = OutboundAudio()
        self.frames_sent = 0
        self.sending = asyncio.Event()  # set when aiortc first asks for audio: media is up

    @property
    def queued(self) -> int:
        return len(self._queue)

    @property
    def dropped(self) -> int:
        """Frames lost to the bound (silent ones first), not counting skipped silence."""
        return self._queue.dropped

    def push(self, frame: AudioFrame) -> None:
        if len(self._queue) >= SILENCE_BACKLOG and _is_silent(frame):
            self.silence_skipped += 1  # the sender is behind: catch up during silence
            return
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
        if self._on_sent is not None:
            self._on_sent(frame)
        return self._outbound.next_frame(frame)
