"""Sample-rate conversion with libsoxr: one-shot for whole clips, streaming for 20 ms chunks."""

from __future__ import annotations

import numpy as np
import soxr

SUPPORTED_RATES = (8_000, 16_000, 22_050, 24_000, 48_000)  # the rates of our wires and voices;
# soxr converts between any two rates, so others (44.1 kHz WAV files) work as well


def _check_rates(from_rate: int, to_rate: int) -> None:
    for rate in (from_rate, to_rate):
        if not rate > 0:
            raise ValueError(f"sample rate must be a positive number of Hz, got {rate!r}")


def _as_int16(samples: np.ndarray) -> np.ndarray:
    if samples.dtype != np.int16 or samples.ndim != 1:
        raise ValueError(
            f"resampling needs a 1-D int16 array, got {samples.dtype} with shape {samples.shape}"
        )
    return np.ascontiguousarray(samples)


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Resample a whole mono int16 clip; the output has round(len * to_rate / from_rate) samples."""
    _check_rates(from_rate, to_rate)
    samples = _as_int16(samples)
    if from_rate == to_rate:
        return samples.copy()
    if len(samples) == 0:
        return np.zeros(0, dtype=np.int16)
    return soxr.resample(samples, from_rate, to_rate, quality="HQ")


def _soxr_stream(from_rate: int, to_rate: int) -> soxr.ResampleStream:
    # soxr's fixed-rate engine hands out output in ~100 ms bursts (nothing for 5 chunks, then all);
    # its variable-rate engine, held at one ratio, returns every 20 ms chunk's worth at once with
    # ~7 ms of filter delay and the same quality (SINAD ~87 dB on int16 tones, as the one-shot).
    return soxr.ResampleStream(from_rate, to_rate, 1, dtype="int16", quality="HQ", vr=True)


class StreamResampler:
    """Resample a continuous stream chunk by chunk, keeping filter state between chunks.

    After the first two or three chunks (filter delay) every chunk of n samples yields
    n * to_rate / from_rate samples; `flush()` returns what is still inside the filter.
    """

    def __init__(self, from_rate: int, to_rate: int) -> None:
        _check_rates(from_rate, to_rate)
        self.from_rate = from_rate
        self.to_rate = to_rate
        self._stream = None if from_rate == to_rate else _soxr_stream(from_rate, to_rate)

    def process(self, chunk: np.ndarray) -> np.ndarray:
        chunk = _as_int16(chunk)
        if self._stream is None:
            return chunk.copy()
        return self._stream.resample_chunk(chunk)

    def prime(self, chunk_size: int) -> None:
        """Fill the filter with silence so every later chunk of `chunk_size` comes out whole.

        Real-time callers (RTP, playout) want exactly one output frame per input frame from the
        start; the filter delay then shows as a few ms of leading silence instead of short chunks.
        """
        if self._stream is None:
            return
        whole = round(chunk_size * self.to_rate / self.from_rate)
        silence = np.zeros(chunk_size, dtype=np.int16)
        for _ in range(20):
            if len(self._stream.resample_chunk(silence)) == whole:
                return

    def flush(self) -> np.ndarray:
        """The samples still held in the filter; the stream starts afresh afterwards."""
        if self._stream is None:
            return np.zeros(0, dtype=np.int16)
        tail = self._stream.resample_chunk(np.zeros(0, dtype=np.int16), last=True)
        self._stream = _soxr_stream(self.from_rate, self.to_rate)
        return tail
