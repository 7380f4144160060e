"""Models load once per process and are shared."""

import pytest

from voicebot.asr import PaddedWhisperRecognizer, WhisperRecognizer
from voicebot.models import ModelSet, load_recognizer, process_models
from voicebot.settings import AsrSettings

pytestmark = pytest.mark.slow


def test_the_same_settings_give_the_same_engine() -> None:
    recognizer = load_recognizer(AsrSettings(workers=2))
    assert isinstance(recognizer, WhisperRecognizer)
    assert load_recognizer(AsrSettings(workers=2)) is recognizer
    assert process_models().recognizer(AsrSettings(workers=2)) is recognizer


def test_a_separate_model_set_has_its_own_engines(tmp_path) -> None:
    models = ModelSet(cache_dir=tmp_path)
    padded = models.recognizer(AsrSettings(), engine="padded")
    assert isinstance(padded, PaddedWhisperRecognizer)
    assert models.recognizer(AsrSettings(), engine="padded") is padded
    assert models.loaded() == 1
    with pytest.raises(ValueError, match="unknown ASR engine"):
        models.recognizer(AsrSettings(), engine="turbo")
