"""The reference engine: faster-whisper's own `WhisperModel.transcribe`, input padded to 30 s.

Slow (the encoder always sees 30 s) but it is the decoding everyone knows; the fast engine's word
error rate is measured against it (benchmarks/bench_asr.py).
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np

from voicebot.asr import whisper_tokens  # noqa: F401  sets HF_HUB_OFFLINE before faster_whisper loads
from voicebot.asr.hypothesis import Hypothesis
from voicebot.asr.recognizer import check_audio, duration_of
from voicebot.models.errors import ModelLoadError, ModelNotFoundError


class PaddedWhisperRecognizer:
    """Recognizer on faster-whisper's transcribe(): beam search, 30 s padding, no VAD filter."""

    def __init__(
        self,
        model_dir: str | Path,
        *,
        device: str = "cpu",
        compute_type: str = "int8",
        workers: int = 1,
        cpu_threads: int = 1,
        language: str = "en",
        beam_size: int = 5,
    ) -> None:
        from faster_whisper import WhisperModel

        self.model_dir = Path(model_dir)
        if not (self.model_dir / "tokenizer.json").is_file():
            # without it faster-whisper would fetch a tokenizer from the hub
            raise ModelNotFoundError(
                f"Whisper model at {self.model_dir}: expected {self.model_dir / 'tokenizer.json'}"
            )
        try:
            self._model = WhisperModel(
                str(self.model_dir),  # always a directory, never a hub name
                device=device,
                compute_type=compute_type,
                cpu_threads=cpu_threads,
                num_workers=workers,
                local_files_only=True,
            )
        except (RuntimeError, ValueError) as exc:
            raise ModelLoadError(f"faster-whisper could not load {self.model_dir}: {exc}") from exc
        self.language = language if self._model.model.is_multilingual else "en"
        self.beam_size = beam_size

    def transcribe(
        self, audio: np.ndarray, *, final: bool = True, busy: bool = False
    ) -> Hypothesis:
        started = time.perf_counter()
        samples = check_audio(audio)
        segments, _ = self._model.transcribe(
            samples,
            language=self.language,
            beam_size=self.beam_size if final else 1,
            without_timestamps=True,
            condition_on_previous_text=False,
            vad_filter=False,
        )
        segments = list(segments)
        text = " ".join(s.text.strip() for s in segments).strip()
        confidence = (
            math.exp(sum(s.avg_logprob for s in segments) / len(segments)) if segments else 0.0
        )
        return Hypothesis(
            text=text,
            is_final=final,
            confidence=min(1.0, confidence),
            start=0.0,
            end=duration_of(audio),
            decode_seconds=time.perf_counter() - started,
        )
