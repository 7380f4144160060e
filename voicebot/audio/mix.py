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
