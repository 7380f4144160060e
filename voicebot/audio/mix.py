"""Mixing, gain and level of int16 PCM, saturating instead of wrapping around."""

from __future__ import annotations

import math

import numpy as np

_INT16_MIN, _INT16_MAX = -32768, 32767


def _saturate(values: np.ndarray) -> np.ndarray:
    return np.clip(values, _INT16_MIN, _INT16_MAX).astype(np.int16)


def mix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sum two int16 signals; the shorter one is treated as followed by silence."""
    length = max(len(a), len(b))
    total = np.zeros(length, dtype=np.int32)
    total[: len(a)] += a
    total[: len(b)] += b
    return _saturate(total)


def gain(samples: np.ndarray, db: float) -> np.ndarray:
    """Scale by `db` decibels (negative attenuates), rounding and saturating."""
    factor = 10.0 ** (db / 20.0)
    return _saturate(np.round(samples.astype(np.float64) * factor))


def rms_dbfs(samples: np.ndarray) -> float:
    """RMS level relative to a full-scale square wave (0 dBFS); -inf for silence or no samples."""
    if len(samples) == 0:
        return -math.inf
    rms = math.sqrt(float(np.mean(np.square(samples.astype(np.float64)))))
    return 20.0 * math.log10(rms / 32768.0) if rms > 0 else -math.inf


def trim_leading_silence(
    samples: np.ndarray, sample_rate: int, *, keep_ms: float = 10.0, floor: int = 100
) -> np.ndarray:
    """Drop the quiet before the first sound, keeping `keep_ms` of it (a click-free onset).

    "Quiet" is below `floor` and below 1 % of the peak. TTS voices start each sentence with some
    silence (Piper: 25-65 ms); before a reply that is latency the caller hears as a slower bot."""
    if len(samples) == 0:
        return samples
    magnitude = np.abs(samples.astype(np.int32))
    threshold = max(floor, int(magnitude.max()) // 100)
    loud = np.flatnonzero(magnitude > threshold)
    if len(loud) == 0:
        return samples  # nothing but quiet: leave it as it is
    start = max(0, int(loud[0]) - round(keep_ms * sample_rate / 1000))
    return samples[start:]
