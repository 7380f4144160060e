"""Cut PCM into exact 20 ms AudioFrames with timestamps on the call's time axis."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from voicebot.audio.frame import FRAME_MS, AudioFrame, samples_per_frame


def frames_from_pcm(
    samples: np.ndarray, rate: int, start: float = 0.0, frame_ms: int = FRAME_MS
) -> Iterator[AudioFrame]:
    """Yield consecutive frames of a whole clip; the last partial frame is zero-padded."""
    size = samples_per_frame(rate, frame_ms)
    for index, offset in enumerate(range(0, len(samples), size)):
        chunk = samples[offset : offset + size]
        if len(chunk) < size:
            chunk = np.concatenate([chunk, np.zeros(size - len(chunk), dtype=np.int16)])
        yield AudioFrame(np.array(chunk, dtype=np.int16), rate, start + index * size / rate)


class Framer:
    """Re-chunk a stream of arbitrary-size int16 chunks into exact frames.

    Timestamps count samples from `start`, so they never drift however the input is chunked.
    """

    def __init__(self, rate: int, start: float = 0.0, frame_ms: int = FRAME_MS) -> None:
        self.rate = rate
        self.start = start
        self.frame_size = samples_per_frame(rate, frame_ms)
        self._pending = np.zeros(0, dtype=np.int16)
        self._frames_out = 0

    @property
    def pending_samples(self) -> int:
        return len(self._pending)

    def _next_timestamp(self) -> float:
        return self.start + self._frames_out * self.frame_size / self.rate

    def push(self, chunk: np.ndarray) -> list[AudioFrame]:
        if chunk.dtype != np.int16 or chunk.ndim != 1:
            raise ValueError(f"Framer needs 1-D int16 chunks, got {chunk.dtype} {chunk.shape}")
        buffer = np.concatenate([self._pending, chunk]) if len(self._pending) else chunk
        whole = len(buffer) // self.frame_size
        frames = []
        for index in range(whole):
            piece = buffer[index * self.frame_size : (index + 1) * self.frame_size]
            frames.append(AudioFrame(piece.copy(), self.rate, self._next_timestamp()))
            self._frames_out += 1
        self._pending = buffer[whole * self.frame_size :].copy()
        return frames

    def flush(self) -> AudioFrame | None:
        """The remaining samples as one zero-padded frame, or None if nothing is pending."""
        if len(self._pending) == 0:
            return None
        padded = np.zeros(self.frame_size, dtype=np.int16)
        padded[: len(self._pending)] = self._pending
        self._pending = np.zeros(0, dtype=np.int16)
        frame = AudioFrame(padded, self.rate, self._next_timestamp())
        self._frames_out += 1
        return frame
