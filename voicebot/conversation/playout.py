"""The single playout clock of one call: exactly one 20 ms frame per tick to the leg, bot audio or silence.

Frames are sent on a schedule computed from the start time (`start + n * 20 ms`) on the injected
Clock, so the output never drifts however fast or slow TTS produces audio. Bot audio waits in a
small bounded queue; the producer (`play`) blocks when it is full. `stop()` flushes the queue at once
and reports what the caller actually heard.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterable, Awaitable, Callable
from dataclasses import dataclass, field

import numpy as np

from voicebot.audio import ENGINE_RATE, FRAME_MS, AudioFrame, samples_per_frame
from voicebot.clock import Clock
from voicebot.conversation.heard import estimate_heard_text

log = logging.getLogger(__name__)

FRAME_SECONDS = FRAME_MS / 1000
FRAME_SAMPLES = samples_per_frame(ENGINE_RATE)
# further behind than this (a stalled loop): restart the schedule instead of bursting
MAX_LATE_FRAMES = 5

SendFrame = Callable[[AudioFrame], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class PlaybackReport:
    """What became of one bot utterance. `heard_text` is estimated from the played fraction, word by word.

    `total_ms` is the audio synthesized for it: all of it, unless it was interrupted before its
    later sentences were synthesized.
    """

    text: str
    played_ms: int
    total_ms: int
    interrupted: bool
    heard_text: str
    # Clock time of the first frame sent, None if nothing was played
    started_at: float | None = None

    def to_json(self, origin: float = 0.0) -> dict[str, object]:
        """`origin`: a Clock time subtracted from `started_at` (the call's start, for logs)."""
        started_at = None if self.started_at is None else round(self.started_at - origin, 4)
        return {
            "text": self.text,
            "played_ms": self.played_ms,
            "total_ms": self.total_ms,
            "interrupted": self.interrupted,
            "heard_text": self.heard_text,
            "started_at": started_at,
        }


@dataclass(eq=False)
class _Utterance:
    text: str
    interruptible: bool
    queue: asyncio.Queue[np.ndarray | None]
    # samples per TTS chunk, for the heard-text estimate
    chunk_samples: list[int] = field(default_factory=list)
    queued_samples: int = 0
    played_samples: int = 0
    started_at: float | None = None
    on_start: Callable[[float], None] | None = None
    synthesis_done: bool = False
    stopped: bool = False
    finished: asyncio.Event = field(default_factory=asyncio.Event)

    def report(self) -> PlaybackReport:
        total = self.queued_samples
        played = min(self.played_samples, total)
        interrupted = self.stopped and (played < total or not self.synthesis_done)
        heard = (
            estimate_heard_text(self.text, self.chunk_samples, played, self.synthesis_done)
            if interrupted
            else self.text
        )
        return PlaybackReport(
            text=self.text,
            played_ms=played * 1000 // ENGINE_RATE,
            total_ms=total * 1000 // ENGINE_RATE,
            interrupted=interrupted,
            heard_text=heard,
            started_at=self.started_at,
        )


class Playout:
    """Owns the call's outbound audio. Run `run()` as one task of the call; `play()` from another."""

    def __init__(self, send: SendFrame, clock: Clock, *, queue_frames: int = 25) -> None:
        self._send = send
        self._clock = clock
        self._queue_frames = queue_frames  # 25 frames = 0.5 s ahead of the caller's ear, no more
        self._current: _Utterance | None = None
        self._turn = asyncio.Lock()  # one utterance at a time, in order
        self.frames_sent = 0
        self.schedule_restarts = 0

    @property
    def speaking(self) -> bool:
        return self._current is not None and not self._current.stopped

    @property
    def interruptible(self) -> bool:
        return self.speaking and self._current is not None and self._current.interruptible

    async def run(self) -> None:
        """Send one frame every 20 ms until cancelled."""
        start = self._clock.now()
        tick = 0
        while True:
            due = start + tick * FRAME_SECONDS
            await self._clock.sleep_until(due)
            now = self._clock.now()
            if now - due > MAX_LATE_FRAMES * FRAME_SECONDS:
                # the loop stalled: sending the backlog in a burst would overflow the far end's jitter buffer
                self.schedule_restarts += 1
                log.log(  # once per call at warning level: an overloaded host would flood the log
                    logging.WARNING if self.schedule_restarts == 1 else logging.DEBUG,
                    "playout %.0f ms late, restarting the schedule (%d times)",
                    (now - due) * 1000,
                    self.schedule_restarts,
                )
                start, tick, due = now, 0, now
            await self._send(self._next_frame(due))
            self.frames_sent += 1
            tick += 1

    def _next_frame(self, timestamp: float) -> AudioFrame:
        utterance = self._current
        if utterance is None or utterance.stopped:
            return AudioFrame.silence(ENGINE_RATE, timestamp)
        try:
            samples = utterance.queue.get_nowait()
        except asyncio.QueueEmpty:  # TTS is behind: an underrun, fill with silence
            return AudioFrame.silence(ENGINE_RATE, timestamp)
        if samples is None:  # end of this utterance
            self._finish(utterance)
            return self._next_frame(timestamp)
        if utterance.started_at is None:
            # the time it really went out: later than `timestamp` when the loop lags
            utterance.started_at = sent_at = self._clock.now()
            if utterance.on_start is not None:
                utterance.on_start(sent_at)
        utterance.played_samples += len(samples)
        return AudioFrame(samples, ENGINE_RATE, timestamp)

    def _finish(self, utterance: _Utterance) -> None:
        if self._current is utterance:
            self._current = None
        utterance.finished.set()

    async def play(
        self,
        text: str,
        chunks: AsyncIterable[np.ndarray],
        *,
        interruptible: bool = True,
        on_start: Callable[[float], None] | None = None,
    ) -> PlaybackReport:
        """Queue `chunks` (16 kHz int16) for playout; returns when all was played or `stop()` was called.

        `on_start(timestamp)` is called when the first frame goes out.
        """
        async with self._turn:
            utterance = _Utterance(text, interruptible, asyncio.Queue(self._queue_frames))
            utterance.on_start = on_start
            self._current = utterance
            try:
                await self._produce(utterance, chunks)
                if not utterance.stopped:
                    await utterance.finished.wait()
            finally:
                if not utterance.finished.is_set():  # cancelled: leave nothing queued
                    utterance.stopped = True
                    self._finish(utterance)
            return utterance.report()

    async def _produce(self, utterance: _Utterance, chunks: AsyncIterable[np.ndarray]) -> None:
        remainder = np.zeros(0, dtype=np.int16)
        iterator = aiter(chunks)
        try:
            async for chunk in iterator:
                if utterance.stopped:
                    return
                chunk = np.asarray(chunk, dtype=np.int16)
                utterance.chunk_samples.append(len(chunk))
                utterance.queued_samples += len(chunk)
                pcm = np.concatenate([remainder, chunk]) if len(remainder) else chunk
                whole = len(pcm) // FRAME_SAMPLES * FRAME_SAMPLES
                for offset in range(0, whole, FRAME_SAMPLES):
                    await utterance.queue.put(pcm[offset : offset + FRAME_SAMPLES])
                    if utterance.stopped:
                        return
                remainder = pcm[whole:]
            if len(remainder):
                padded = np.zeros(FRAME_SAMPLES, dtype=np.int16)
                padded[: len(remainder)] = remainder
                await utterance.queue.put(padded)
            utterance.synthesis_done = True
            if not utterance.stopped:
                await utterance.queue.put(None)
        finally:
            close = getattr(iterator, "aclose", None)
            if close is not None:
                await close()  # stop synthesizing sentences nobody will hear

    def stop(self) -> PlaybackReport | None:
        """Stop the current utterance now: the next tick is silence. Returns its report, or None if idle."""
        utterance = self._current
        if utterance is None or utterance.stopped:
            return None
        utterance.stopped = True
        while not utterance.queue.empty():  # flush, which also unblocks a producer waiting in put()
            utterance.queue.get_nowait()
        self._finish(utterance)
        return utterance.report()
