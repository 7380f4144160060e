import math

import numpy as np
import pytest

from voicebot.audio import Framer, frames_from_pcm, gain, mix, rms_dbfs, trim_leading_silence


def test_mix_saturates_and_pads_the_shorter_signal():
    a = np.array([30000, -30000, 5], dtype=np.int16)
    b = np.array([10000, -10000], dtype=np.int16)
    assert mix(a, b).tolist() == [32767, -32768, 5]


def test_gain_in_decibels():
    x = np.array([1000, -20000], dtype=np.int16)
    assert gain(x, -6.0206).tolist() == [500, -10000]
    assert gain(x, 20).tolist() == [10000, -32768]


def test_rms_dbfs():
    full_square = np.array([32767, -32768] * 100, dtype=np.int16)
    assert rms_dbfs(full_square) == pytest.approx(0.0, abs=0.01)
    assert rms_dbfs(np.zeros(10, dtype=np.int16)) == -math.inf


def test_frames_from_pcm_pads_the_last_frame():
    samples = np.arange(700, dtype=np.int16)  # 2 frames of 320 and 60 more samples
    frames = list(frames_from_pcm(samples, 16000, start=1.0))
    assert [f.timestamp for f in frames] == pytest.approx([1.0, 1.02, 1.04])
    assert all(len(f.samples) == 320 for f in frames)
    assert frames[2].samples[:60].tolist() == list(range(640, 700))
    assert not frames[2].samples[60:].any()


def test_framer_rechunks_odd_sizes_without_timestamp_drift():
    framer = Framer(8000, start=5.0)
    signal = np.arange(16000, dtype=np.int16)
    frames = []
    position = 0
    for size in [1, 7, 159, 161, 333, 1000] * 10:
        frames += framer.push(signal[position : position + size])
        position += size
    frames += framer.push(signal[position:])
    assert framer.pending_samples == 0 and framer.flush() is None
    assert len(frames) == 100
    assert np.array_equal(np.concatenate([f.samples for f in frames]), signal)
    assert frames[-1].timestamp == pytest.approx(5.0 + 99 * 0.02, abs=1e-9)


def test_framer_flush_returns_padded_remainder():
    framer = Framer(16000)
    assert framer.push(np.ones(100, dtype=np.int16)) == []
    last = framer.flush()
    assert last is not None and len(last.samples) == 320 and last.samples.sum() == 100


def test_leading_silence_is_cut_to_ten_milliseconds_before_the_first_sound():
    rate = 16_000
    quiet = np.random.default_rng(1).integers(-30, 30, rate // 10).astype(np.int16)  # 100 ms hiss
    tone = (8000 * np.cos(np.arange(rate // 5) * 2 * np.pi * 440 / rate)).astype(np.int16)
    trimmed = trim_leading_silence(np.concatenate([quiet, tone]), rate)
    assert len(trimmed) == len(tone) + 160  # 10 ms of the lead-in kept
    assert np.array_equal(trimmed[160:], tone)
    assert len(trim_leading_silence(tone, rate)) == len(tone)  # nothing to cut
    assert len(trim_leading_silence(quiet, rate)) == len(quiet)  # all quiet: left alone
    assert len(trim_leading_silence(np.zeros(0, np.int16), rate)) == 0
