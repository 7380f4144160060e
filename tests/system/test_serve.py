"""`voicebot serve` as an operator runs it: /health says what is loaded and where SIP listens; a
broken dialog refuses the start with the checker's file:line:col messages before any model loads."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import httpx
import pytest

from tests.system.server_process import REPO, ServerProcess, run_serve_to_exit

pytestmark = pytest.mark.slow

BAD_CONFIG = 2
MISSING_MODEL = {"VOICEBOT_ASR__MODEL": "/nonexistent/whisper-model"}


def test_health_reports_dialogs_models_and_sip_address(voicebot_server: ServerProcess) -> None:
    health = httpx.get(f"{voicebot_server.http_url}/health", timeout=5).json()

    assert health["status"] == "ok"
    assert {"bank", "appointment_reminder", "telecom_support"} <= set(health["dialogs"])
    assert health["default_dialog"] == "bank"
    assert health["models"]["asr"].startswith("faster-whisper tiny.en")
    assert health["models"]["tts"] == "piper en_US-joe-medium"
    assert "webrtcvad" in health["models"]["vad"]
    assert health["sip"] == voicebot_server.sip_address


def test_history_starts_empty_and_web_page_is_served(voicebot_server: ServerProcess) -> None:
    page = httpx.get(f"{voicebot_server.http_url}/", timeout=5)
    assert page.status_code == 200
    assert "<html" in page.text.lower()
    assert httpx.get(f"{voicebot_server.http_url}/api/history/nope", timeout=5).status_code == 404


@pytest.fixture
def broken_dialogs(tmp_path: Path) -> Path:
    """A copy of dialogs/ whose bank dialog jumps to a state that does not exist."""
    folder = tmp_path / "dialogs"
    shutil.copytree(REPO / "dialogs", folder)
    bank = folder / "bank.yaml"
    text = bank.read_text()
    assert "      check_balance: balance\n" in text
    bank.write_text(
        text.replace("      check_balance: balance\n", "      check_balance: balanse\n")
    )
    return folder


def test_broken_dialog_refuses_start_with_positions_before_models_load(
    broken_dialogs: Path, tmp_path: Path
) -> None:
    # The ASR model points nowhere: had the server loaded models first, the error would be about
    # the model. It is about the dialog, so the dialogs were checked before any model loaded.
    result = run_serve_to_exit(
        [
            "--dialogs-dir",
            str(broken_dialogs),
            "--dialog",
            str(broken_dialogs / "bank.yaml"),
            "--http",
            "127.0.0.1:1",
            "--no-sip",
            "--database",
            f"sqlite:///{tmp_path / 'calls.db'}",
        ],
        env=MISSING_MODEL,
    )

    assert result.returncode == BAD_CONFIG, result.stderr
    bank = re.escape(str(broken_dialogs / "bank.yaml"))
    positions = re.findall(rf"{bank}:(\d+):(\d+): error: .*'balanse'", result.stderr)
    assert len(positions) == 3, result.stderr  # welcome, menu and anything_else all say it
    lines = (broken_dialogs / "bank.yaml").read_text().splitlines()
    for line, column in positions:
        assert lines[int(line) - 1][int(column) - 1 :].startswith("balanse")
    assert "whisper" not in result.stderr.lower()
    assert "Uvicorn running" not in result.stdout + result.stderr


def test_missing_model_is_a_clear_refusal_too(tmp_path: Path) -> None:
    """The control for the test above: the same model override does stop a good configuration."""
    result = run_serve_to_exit(
        [
            "--http",
            "127.0.0.1:1",
            "--no-sip",
            "--database",
            f"sqlite:///{tmp_path / 'calls.db'}",
        ],
        env=MISSING_MODEL,
    )

    assert result.returncode == BAD_CONFIG, result.stderr
    assert "/nonexistent/whisper-model" in result.stderr
