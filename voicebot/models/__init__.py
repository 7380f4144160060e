"""The model registry: which ASR/TTS/VAD models exist, where their files are, and loading them once.

    from voicebot.models import load_recognizer, load_synthesizer, ModelNotFoundError
    recognizer = load_recognizer(settings.asr)     # WhisperRecognizer, shared by the process
    synthesizer = load_synthesizer(settings.tts)   # PiperSynthesizer, shared by the process

Nothing here downloads: a model that is not installed raises ModelNotFoundError naming the pip
package to install or the path that was expected. See models/README.md for the table.
"""

from voicebot.models.catalog import KNOWN_MODELS, KnownModel, known_model
from voicebot.models.errors import ModelError, ModelLoadError, ModelNotFoundError
from voicebot.models.model_set import ModelSet, load_recognizer, load_synthesizer, process_models
from voicebot.models.resolve import (
    VoiceFiles,
    default_cache_dir,
    resolve_piper_voice,
    resolve_whisper,
)

__all__ = [
    "KNOWN_MODELS",
    "KnownModel",
    "ModelError",
    "ModelLoadError",
    "ModelNotFoundError",
    "ModelSet",
    "VoiceFiles",
    "default_cache_dir",
    "known_model",
    "load_recognizer",
    "load_synthesizer",
    "process_models",
    "resolve_piper_voice",
    "resolve_whisper",
]
