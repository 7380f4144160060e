"""espeak-ng (the command-line program) as a Synthesizer: robotic, but a second, different voice.

Used to test ASR on a voice other than Piper's; not meant for callers.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import wave

import numpy as np

from voicebot.models.errors import ModelNotFoundError
from voicebot.tts.errors import TtsError


class EspeakSynthesizer:
    """Runs `espeak-ng --stdout`; its WAV output is 22.05 kHz mono int16."""

    sample_rate = 22_050

    def __init__(
        self, voice: str = "en-us", *, words_per_minute: int = 160, timeout_s: float = 20.0
    ) -> None:
        program = shutil.which("espeak-ng")
        if program is None:
            raise ModelNotFoundError("espeak-ng is not installed: `apt-get install espeak-ng`")
        self._program = program
        self.voice_name = f"espeak-{voice}"
        self._args = ["-v", voice, "-s", str(words_per_minute), "--stdout"]
        self._timeout_s = timeout_s

    def synthesize(self, text: str) -> np.ndarray:
        if not text.strip():
            return np.zeros(0, dtype=np.int16)
        try:
            done = subprocess.run(
                [self._program, *self._args, text],
                capture_output=True,
                check=True,
                timeout=self._timeout_s,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise TtsError(f"espeak-ng failed on {text[:60]!r}: {exc}") from exc
        return _wav_samples(done.stdout, self.sample_rate)


def _wav_samples(data: bytes, expected_rate: int) -> np.ndarray:
    # espeak-ng writes 0xFFFFFFFF as the data size when streaming; the wave module copes with that
    with wave.open(io.BytesIO(data)) as wav:
        if (
            wav.getframerate() != expected_rate
            or wav.getnchannels() != 1
            or wav.getsampwidth() != 2
        ):
            raise TtsError(
                f"espeak-ng wrote {wav.getframerate()} Hz, {wav.getnchannels()} channel(s), "
                f"{8 * wav.getsampwidth()}-bit; expected {expected_rate} Hz mono 16-bit"
            )
        frames = wav.readframes(wav.getnframes())
    return np.frombuffer(frames, dtype="<i2").astype(np.int16)
