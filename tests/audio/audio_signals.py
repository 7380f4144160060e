"""Synthetic test signals shared by the audio tests."""

from __future__ import annotations

import numpy as np


def tone(freq: float, seconds: float, rate: int, dbfs: float = -6.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    amplitude = 32767 * 10 ** (dbfs / 20)
    return np.round(amplitude * np.sin(2 * np.pi * freq * t)).astype(np.int16)


def speech_like(seconds: float, rate: int = 8000, seed: int = 1) -> np.ndarray:
    """A gliding 120-220 Hz voice with decaying harmonics, syllable-rate envelope and some noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    pitch = 170 + 50 * np.sin(2 * np.pi * 0.7 * t)
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    voice = sum(np.sin(k * phase) / k for k in range(1, 15) if k * 220 < rate / 2)
    envelope = 0.2 + 0.8 * np.abs(np.sin(2 * np.pi * 2.5 * t))  # ~5 syllables a second
    signal = voice * envelope + 0.02 * rng.standard_normal(len(t))
    signal *= 0.5 / np.max(np.abs(signal))
    return np.round(signal * 32767).astype(np.int16)


def snr_db(reference: np.ndarray, decoded: np.ndarray) -> float:
    ref = reference.astype(np.float64)
    noise = ref - decoded.astype(np.float64)
    return 10 * np.log10(np.sum(ref**2) / np.sum(noise**2))


def peak_frequency(samples: np.ndarray, rate: int) -> float:
    window = np.hanning(len(samples))
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64) * window))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[np.argmax(spectrum)])
