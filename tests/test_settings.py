"""Settings come from defaults, then voicebot.yaml, then VOICEBOT_* variables, then explicit arguments."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from voicebot.settings import load_settings


@pytest.fixture(autouse=True)
def _no_ambient_config(monkeypatch, tmp_path):
    for name in list(__import__("os").environ):
        if name.startswith("VOICEBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults_serve_locally_with_the_small_offline_models():
    settings = load_settings()
    assert (settings.http_host, settings.http_port) == ("127.0.0.1", 8000)
    assert (settings.sip.host, settings.sip.port) == ("127.0.0.1", 5060)
    assert settings.asr.model == "tiny.en"
    assert settings.tts.voice == "en_US-joe-medium"
    assert settings.database_url.startswith("sqlite:///")


def test_a_yaml_file_sets_nested_values(tmp_path):
    (tmp_path / "voicebot.yaml").write_text("asr:\n  workers: 4\nvad:\n  end_silence_ms: 450\n")
    settings = load_settings()
    assert settings.asr.workers == 4
    assert settings.vad.end_silence_ms == 450


def test_environment_wins_over_the_yaml_file(tmp_path, monkeypatch):
    (tmp_path / "voicebot.yaml").write_text("asr:\n  workers: 4\n")
    monkeypatch.setenv("VOICEBOT_ASR__WORKERS", "3")
    monkeypatch.setenv("VOICEBOT_HTTP_PORT", "8100")
    settings = load_settings()
    assert settings.asr.workers == 3
    assert settings.http_port == 8100


def test_a_broken_yaml_file_names_the_file(tmp_path):
    (tmp_path / "voicebot.yaml").write_text("asr: [workers\n")
    with pytest.raises(ValueError, match=r"voicebot.yaml: not valid YAML"):
        load_settings()


def test_unknown_and_out_of_range_settings_are_refused(tmp_path):
    (tmp_path / "voicebot.yaml").write_text("vad:\n  aggressiveness: 7\n")
    with pytest.raises(ValidationError, match="aggressiveness"):
        load_settings()
    (tmp_path / "voicebot.yaml").write_text("sipp: {}\n")
    with pytest.raises(ValidationError, match="sipp"):
        load_settings()
