"""Piper (piper-tts, ONNX Runtime) as a Synthesizer."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np

from voicebot.models.errors import ModelLoadError
from voicebot.tts.errors import TtsError


class PiperSynthesizer:
    """A Piper voice loaded once. Thread-safe: calls are serialized, because espeak-ng's phonemizer
    inside Piper keeps global state; run several PiperSynthesizers for parallel synthesis.

    `cpu_threads` bounds ONNX Runtime's threads per synthesis, so TTS cannot starve ASR of cores.
    """

    def __init__(
        self, model: str | Path, config: str | Path | None = None, *, cpu_threads: int = 1
    ) -> None:
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig

        self.model_path = Path(model)
        config_path = (
            Path(config)
            if config is not None
            else self.model_path.with_name(self.model_path.name + ".json")
        )
        self.voice_name = self.model_path.stem
        try:
            config_dict = json.loads(config_path.read_text(encoding="utf-8"))
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = cpu_threads
            options.inter_op_num_threads = 1
            session = onnxruntime.InferenceSession(
                str(self.model_path), sess_options=options, providers=["CPUExecutionProvider"]
            )
            self._voice = PiperVoice(config=PiperConfig.from_dict(config_dict), session=session)
        except Exception as exc:  # OSError, bad JSON, and onnxruntime's own exception types
            raise ModelLoadError(
                f"Piper could not load the voice {self.model_path}: {exc}"
            ) from exc
        self.sample_rate: int = self._voice.config.sample_rate
        self._lock = threading.Lock()

    def synthesize(self, text: str) -> np.ndarray:
        """All sentences of `text` as one int16 array at `sample_rate`; empty text gives no samples."""
        if not text.strip():
            return np.zeros(0, dtype=np.int16)
        try:
            with self._lock:
                chunks = [chunk.audio_int16_array for chunk in self._voice.synthesize(text)]
        except Exception as exc:
            raise TtsError(f"Piper failed on {text[:60]!r}: {exc}") from exc
        if not chunks:
            return np.zeros(0, dtype=np.int16)
        return np.concatenate(chunks).astype(np.int16, copy=False)
