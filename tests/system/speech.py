"""Caller audio for system tests (Piper speech placed on a silent timeline) and transcripts of what
a peer recorded (the project's Whisper)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from voicebot.asr.recognizer import Recognizer
from voicebot.audio.frame import ENGINE_RATE
from voicebot.audio.resample import resample
from voicebot.audio.wav import read_wav, write_wav
from voicebot.tts.synthesizer import Synthesizer

CALLER_RATE = 8000  # what baresip's aufile needs for a PCMU call
WHISPER_WINDOW_S = 25  # Whisper sees 30 s at most; cut long recordings into windows below that


def caller_wav_path(folder: Path, name: str, text: str, lead_s: float, tail_s: float) -> Path:
    """Where the caller WAV for these words and timings is cached (keyed by content)."""
    key = hashlib.sha1(f"{text}|{lead_s}|{tail_s}|{CALLER_RATE}".encode()).hexdigest()[:10]
    return folder / f"{name}-{key}.wav"


def write_caller_wav(
    target: Path, synthesizer: Synthesizer, text: str, *, lead_s: float, tail_s: float
) -> Path:
    """A mono S16LE WAV at 8 kHz: `lead_s` of silence, `text` spoken, then `tail_s` of silence."""
    speech = resample(synthesizer.synthesize(text), synthesizer.sample_rate, CALLER_RATE)
    audio = np.concatenate(
        [
            np.zeros(round(lead_s * CALLER_RATE), np.int16),
            speech,
            np.zeros(round(tail_s * CALLER_RATE), np.int16),
        ]
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part.wav")
    write_wav(partial, audio, CALLER_RATE)
    partial.replace(target)  # a concurrent run never reads half a file
    return target


def transcribe_file(path: Path, recognizer: Recognizer) -> str:
    """Everything Whisper hears in a WAV file of any rate and length, windows joined by spaces."""
    audio, rate = read_wav(path)
    audio = resample(audio, rate, ENGINE_RATE)
    window = WHISPER_WINDOW_S * ENGINE_RATE
    texts = [
        recognizer.transcribe(audio[start : start + window]).text
        for start in range(0, len(audio), window)
        if np.abs(audio[start : start + window]).max(initial=0) > 0
    ]
    return " ".join(t.strip() for t in texts if t.strip())


def normalized(text: str) -> str:
    """Lower case, digits and letters only, single spaces: for 'contains' assertions on ASR text."""
    kept = "".join(c if c.isalnum() else " " for c in text.lower())
    return " ".join(kept.split())
