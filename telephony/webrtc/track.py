"""The outbound audio track: the bot's voice as aiortc pulls it, one 20 ms frame per tick.

aiortc's sender calls `recv()` in a loop and sends whatever comes back at once, so the track paces
itself: tick n is due at start + n * 20 ms on the injected clock (never "sleep 20 ms", which drifts).
The conversation's playout clock pushes engine frames on its own 20 ms schedule into a small
bounded queue; a tick with nothing queued sends silence. If the producer runs ahead, the oldest
frames are dropped and counted, so memory stays fixed whatever the far end does.
"""

from __future__ import annotations

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from telephony.webrtc.bounded import DropOldestQueue
from telephony.webrtc.media import OutboundAudio
from voicebot.audio import FRAME_MS, AudioFrame
from voicebot.clock import Clock

TICK = FRAME_MS / 1000
# after a stall longer than this (a blocked event loop), restart the schedule instead of bursting
_MAX_LAG = 0.2


class BotAudioTrack(MediaStreamTrack):
    kind = "audio"

    def __init__(self, clock: Clock, max_queued_frames: int = 6) -> None:
        super().__init__()
        self._clock = clock
        self._queue: DropOldestQueue[AudioFrame] = DropOldestQueue(max_queued_frames)
        self._outbound = OutboundAudio()
        self._start: float | None = None
        self._ticks = 0
        self.frames_sent = 0  # bot frames that went out (not counting silence)
        self.first_audio_at: float | None = (
            None  # clock time the latest utterance started to go out
        )
        self._was_silent = True

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
        now = self._clock.now()
        if self._start is None or now - self._due() > _MAX_LAG:
            self._start, self._ticks = now, 0
        else:
            await self._clock.sleep_until(self._due())
        self._ticks += 1
        frame = self._queue.get_nowait()
        if frame is not None:
            self.frames_sent += 1
            if self._was_silent:
                self.first_audio_at = self._clock.now()
        self._was_silent = frame is None
        return self._outbound.next_frame(frame)

    def _due(self) -> float:
        assert self._start is not None
        return self._start + self._ticks * TICK
