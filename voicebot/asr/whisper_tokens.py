"""Whisper's tokenizer and log-Mel front end, taken from faster-whisper and loaded from a model dir.

Shared by the fast and the padded engines. Loading never reaches a hub: a model directory without
tokenizer.json is refused here instead of letting faster-whisper fetch one.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault(
    "HF_HUB_OFFLINE", "1"
)  # faster-whisper imports huggingface_hub; keep it offline

import tokenizers  # noqa: E402
from faster_whisper.feature_extractor import FeatureExtractor  # noqa: E402
from faster_whisper.tokenizer import Tokenizer  # noqa: E402

from voicebot.models.errors import ModelNotFoundError  # noqa: E402


def load_tokenizer(model_dir: Path, *, multilingual: bool, language: str) -> Tokenizer:
    path = model_dir / "tokenizer.json"
    if not path.is_file():
        raise ModelNotFoundError(f"Whisper model at {model_dir}: expected {path}")
    language = language if multilingual else "en"
    return Tokenizer(
        tokenizers.Tokenizer.from_file(str(path)),
        multilingual,
        task="transcribe",
        language=language,
    )


def feature_extractor_for(n_mels: int) -> FeatureExtractor:
    """The 16 kHz log-Mel extractor; large-v3 models use 128 Mel bins, the others 80."""
    return FeatureExtractor(feature_size=n_mels)
