"""Settings.webrtc.host_addresses: IP literals only, from code, the environment or voicebot.yaml."""

import pytest
from pydantic import ValidationError

from voicebot.settings import Settings


@pytest.fixture(autouse=True)
def no_config_file(monkeypatch, tmp_path):
    monkeypatch.setenv("VOICEBOT_CONFIG", str(tmp_path / "absent.yaml"))


def test_empty_by_default_meaning_every_interface_but_loopback():
    assert Settings().webrtc.host_addresses == []


def test_addresses_are_kept_in_canonical_form():
    settings = Settings(webrtc={"host_addresses": ["127.0.0.1", "0:0:0:0:0:0:0:1"]})
    assert settings.webrtc.host_addresses == ["127.0.0.1", "::1"]


def test_an_interface_name_is_refused_with_the_reason():
    with pytest.raises(ValidationError, match="'eth0' is not an IP address"):
        Settings(webrtc={"host_addresses": ["eth0"]})


def test_from_the_environment(monkeypatch):
    monkeypatch.setenv("VOICEBOT_WEBRTC__HOST_ADDRESSES", '["127.0.0.1"]')
    assert Settings().webrtc.host_addresses == ["127.0.0.1"]


def test_from_voicebot_yaml(monkeypatch, tmp_path):
    config = tmp_path / "voicebot.yaml"
    config.write_text("webrtc:\n  host_addresses: [10.1.2.3, 127.0.0.1]\n")
    monkeypatch.setenv("VOICEBOT_CONFIG", str(config))
    assert Settings().webrtc.host_addresses == ["10.1.2.3", "127.0.0.1"]
