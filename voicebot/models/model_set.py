"""Load each model once per process and hand the same engine to every call.

A ModelSet is a cache from (model files, engine options) to a loaded engine. The loaders
`load_recognizer` / `load_synthesizer` use one process-wide ModelSet unless given another: models
are hundreds of megabytes and engines are thread-safe, so one copy per process is the point.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voicebot.models.resolve import default_cache_dir, resolve_piper_voice, resolve_whisper

if TYPE_CHECKING:
    from voicebot.asr.recognizer import Recognizer
    from voicebot.settings import AsrSettings, TtsSettings
    from voicebot.tts.synthesizer import Synthesizer

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing in this process may fetch from a hub


class ModelSet:
    """Loaded engines by key; loading the same key twice returns the first engine. Thread-safe."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.cache_dir = cache_dir or default_cache_dir()
        self._engines: dict[tuple[Any, ...], Any] = {}
        # held while loading, so two threads never load one model twice
        self._lock = threading.Lock()

    def recognizer(self, settings: AsrSettings, *, engine: str = "fast") -> Recognizer:
        """The Whisper recognizer for `settings`; engine 'fast' (WhisperRecognizer) or 'padded'."""
        model_dir = resolve_whisper(settings.model, self.cache_dir)
        key = (
            "asr",
            engine,
            model_dir.resolve(),
            settings.device,
            settings.compute_type,
            settings.workers,
            settings.cpu_threads,
            settings.language,
        )

        def load() -> Recognizer:
            from voicebot.asr.whisper_fast import WhisperRecognizer
            from voicebot.asr.whisper_padded import PaddedWhisperRecognizer

            if engine not in ("fast", "padded"):
                raise ValueError(f"unknown ASR engine {engine!r}: 'fast' or 'padded'")
            cls = WhisperRecognizer if engine == "fast" else PaddedWhisperRecognizer
            return cls(
                model_dir,
                device=settings.device,
                compute_type=settings.compute_type,
                workers=settings.workers,
                cpu_threads=settings.cpu_threads,
                language=settings.language,
            )

        return self._get(key, load)

    def synthesizer(self, settings: TtsSettings) -> Synthesizer:
        """The Piper voice named (or pointed at) by `settings.voice`."""
        files = resolve_piper_voice(settings.voice)
        key = ("tts", files.model.resolve())

        def load() -> Synthesizer:
            from voicebot.tts.piper_engine import PiperSynthesizer

            return PiperSynthesizer(files.model, files.config)

        return self._get(key, load)

    def loaded(self) -> int:
        return len(self._engines)

    def _get(self, key: tuple[Any, ...], load: Callable[[], Any]) -> Any:
        with self._lock:
            engine = self._engines.get(key)
            if engine is None:
                engine = load()
                self._engines[key] = engine
            return engine


_process_models: ModelSet | None = None
_process_lock = threading.Lock()


def process_models() -> ModelSet:
    """The ModelSet shared by the whole process (created on first use)."""
    global _process_models
    with _process_lock:
        if _process_models is None:
            _process_models = ModelSet()
        return _process_models


def load_recognizer(settings: AsrSettings, *, models: ModelSet | None = None) -> Recognizer:
    """The fast Whisper recognizer for `settings`, loaded once per process (or per `models`)."""
    return (models or process_models()).recognizer(settings)


def load_synthesizer(settings: TtsSettings, *, models: ModelSet | None = None) -> Synthesizer:
    """The Piper synthesizer for `settings`, loaded once per process (or per `models`)."""
    return (models or process_models()).synthesizer(settings)
