"""Speech for the VAD tests: three espeak-ng phrases at 16 kHz separated by ~1 s of quiet noise.

Each phrase is synthesized once and cached under tests/.artifacts/vad/ (git-ignored).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from voicebot.audio import ENGINE_RATE, read_wav, resample

ARTIFACTS = Path(__file__).resolve().parents[1] / ".artifacts" / "vad"
PHRASES = (
    "I would like to check my account balance please",
    "My card number ends in four two seven one",
    "Thank you very much goodbye",
)
LEAD_S, GAP_S, TAIL_S = 0.6, 1.0, 0.8


@dataclass(frozen=True)
class Speech:
    samples: np.ndarray  # 16 kHz int16
    spans: list[tuple[float, float]]  # true (start, end) seconds of each phrase


def _phrase(index: int, text: str) -> np.ndarray:
    path = ARTIFACTS / f"phrase_{index}.wav"
    if not path.exists():
        if shutil.which("espeak-ng") is None:
            pytest.skip("espeak-ng is not installed (scripts/install-system-deps.sh)")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(["espeak-ng", "-s", "160", "-w", str(path), text], check=True, timeout=30)
    samples, rate = read_wav(path)
    return resample(samples, rate, ENGINE_RATE)


def _voiced_span(samples: np.ndarray) -> tuple[float, float]:
    """First and last 5 ms window above -40 dBFS: where the phrase really begins and ends."""
    window = ENGINE_RATE // 200
    usable = len(samples) // window * window
    rms = np.sqrt(np.mean(samples[:usable].astype(np.float64).reshape(-1, window) ** 2, axis=1))
    loud = np.flatnonzero(rms > 32768 * 10 ** (-40 / 20))
    return loud[0] * window / ENGINE_RATE, (loud[-1] + 1) * window / ENGINE_RATE


@pytest.fixture(scope="session")
def three_phrases() -> Speech:
    rng = np.random.default_rng(7)
    pieces: list[np.ndarray] = [np.zeros(int(LEAD_S * ENGINE_RATE), dtype=np.int16)]
    spans = []
    position = len(pieces[0])
    for index, text in enumerate(PHRASES):
        if index:
            pieces.append(np.zeros(int(GAP_S * ENGINE_RATE), dtype=np.int16))
            position += len(pieces[-1])
        phrase = _phrase(index, text)
        start, end = _voiced_span(phrase)
        spans.append((position / ENGINE_RATE + start, position / ENGINE_RATE + end))
        pieces.append(phrase)
        position += len(phrase)
    pieces.append(np.zeros(int(TAIL_S * ENGINE_RATE), dtype=np.int16))
    clean = np.concatenate(pieces).astype(np.float64)
    noisy = clean + rng.normal(0, 30, len(clean))  # a quiet line hiss, about -60 dBFS
    return Speech(np.clip(np.round(noisy), -32768, 32767).astype(np.int16), spans)
