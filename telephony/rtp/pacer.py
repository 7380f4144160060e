"""Send one 20 ms frame per tick on a schedule start + n x 20 ms, never sleeping a fixed 20 ms.

The SIP leg submits whatever the engine plays; on a tick with nothing submitted the pacer sends
silence, so the far end always hears a continuous stream and RTP timestamps follow real time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from telephony.rtp.clock import MonotonicPacingClock, PacingClock
from voicebot.audio import ENGINE_RATE, AudioFrame, samples_per_frame

FRAME_S = 0.02
MAX_LATE_TICKS = 5  # further behind (a stalled loop): restart the schedule instead of bursting


@dataclass(slots=True)
class PacerStats:
    ticks: int = 0
    frames_sent: int = 0
    silence_sent: int = 0
    dropped: int = 0  # submitted frames pushed out by newer ones (queue full)
    late_ticks: int = 0  # ticks that ran more than one frame after their deadline
    resyncs: int = 0  # times the schedule restarted after falling MAX_LATE_TICKS behind


class RtpPacer:
    """Bounded: at most `queue_frames` waiting frames; a new one beyond that drops the oldest."""

    def __init__(
        self,
        send: Callable[[AudioFrame], object],
        clock: PacingClock | None = None,
        queue_frames: int = 5,
        sample_rate: int = ENGINE_RATE,
    ) -> None:
        self._send = send
        self.clock = clock or MonotonicPacingClock()
        self.sample_rate = sample_rate
        self.stats = PacerStats()
        self._queue: deque[AudioFrame] = deque()
        self._queue_frames = queue_frames
        self._silence = np.zeros(samples_per_frame(sample_rate), dtype=np.int16)
        self.start_time: float | None = None

    def submit(self, frame: AudioFrame) -> None:
        if len(self._queue) >= self._queue_frames:
            self._queue.popleft()
            self.stats.dropped += 1
        self._queue.append(frame)

    def clear(self) -> int:
        """Drop every waiting frame (barge-in); returns how many were dropped."""
        dropped = len(self._queue)
        self._queue.clear()
        return dropped

    async def run(self, ticks: int | None = None) -> None:
        """Tick until cancelled (or `ticks` times): each tick sends a queued frame or silence."""
        start = self.start_time = self.clock.now()
        tick = 0
        while ticks is None or tick < ticks:
            deadline = start + tick * FRAME_S  # from the start, so errors never accumulate
            await self.clock.sleep_until(deadline)
            lateness = self.clock.now() - deadline
            if lateness > FRAME_S:
                self.stats.late_ticks += 1
            if lateness > MAX_LATE_TICKS * FRAME_S:
                start += lateness  # a burst of stale frames would only grow the far end's buffer
                deadline += lateness
                self.stats.resyncs += 1
            if self._queue:
                self._send(self._queue.popleft())
                self.stats.frames_sent += 1
            else:
                self._send(AudioFrame(self._silence, self.sample_rate, deadline))
                self.stats.silence_sent += 1
            self.stats.ticks += 1
            tick += 1
