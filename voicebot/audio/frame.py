"""The audio unit that crosses every boundary: 20 ms of mono int16 PCM."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ENGINE_RATE = 16_000  # every stage between the call leg and TTS speaks 16 kHz mono int16
FRAME_MS = 20


def samples_per_frame(sample_rate: int, frame_ms: int = FRAME_MS) -> int:
    return sample_rate * frame_ms // 1000


@dataclass(frozen=True, slots=True, eq=False)
class AudioFrame:
    """Mono int16 PCM with its rate and the time (seconds, from the call's Clock) of its first sample."""

    samples: np.ndarray
    sample_rate: int = ENGINE_RATE
    timestamp: float = 0.0

    def __post_init__(self) -> None:
        if self.samples.dtype != np.int16 or self.samples.ndim != 1:
            raise ValueError(
                f"AudioFrame needs a 1-D int16 array, got {self.samples.dtype} with shape {self.samples.shape}"
            )

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    @property
    def end(self) -> float:
        return self.timestamp + self.duration

    def pcm_bytes(self) -> bytes:
        return self.samples.astype("<i2", copy=False).tobytes()

    @classmethod
    def from_bytes(
        cls, data: bytes, sample_rate: int = ENGINE_RATE, timestamp: float = 0.0
    ) -> AudioFrame:
        return cls(np.frombuffer(data, dtype="<i2").astype(np.int16), sample_rate, timestamp)

    @classmethod
    def silence(
        cls, sample_rate: int = ENGINE_RATE, timestamp: float = 0.0, frame_ms: int = FRAME_MS
    ) -> AudioFrame:
        return cls(
            np.zeros(samples_per_frame(sample_rate, frame_ms), dtype=np.int16),
            sample_rate,
            timestamp,
        )
