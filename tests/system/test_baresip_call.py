"""A real SIP phone (baresip) calls `voicebot serve`: its microphone is a WAV of a Piper-spoken
caller saying "I lost my card." after the greeting, and it records what the bot says. Whisper on
that recording must hear the greeting before the caller spoke and the lost-card answer after; the
finished call must be in /api/history with the caller's words and the intent."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.system import baresip
from tests.system.server_process import ServerProcess
from tests.system.speech import (
    caller_wav_path,
    normalized,
    transcribe_file,
    write_caller_wav,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.peers,
    pytest.mark.skipif(
        baresip.baresip_missing() is not None, reason=str(baresip.baresip_missing())
    ),
]

GREETING_S = 9.5  # the bank greeting plays for about 7.5 s; the caller waits for it to end
REQUEST = "I lost my card."
AFTER_S = 7.0  # the answer ("Please say or key in your eight digit account number.") is ~2.6 s


@pytest.fixture(scope="module")
def lost_card_wav(request: pytest.FixtureRequest, artifacts: Path) -> Path:
    path = caller_wav_path(artifacts, "caller-lost-card", REQUEST, GREETING_S, AFTER_S)
    if not path.exists():  # Piper loads only when the cached WAV is missing
        synthesizer = request.getfixturevalue("synthesizer")
        write_caller_wav(path, synthesizer, REQUEST, lead_s=GREETING_S, tail_s=AFTER_S)
    return path


def _history_call(server: ServerProcess, remote_party: str, timeout_s: float = 10.0) -> dict:
    """The newest finished call from `remote_party` (the store write follows the BYE closely)."""
    deadline = time.monotonic() + timeout_s
    while True:
        calls = httpx.get(f"{server.http_url}/api/history", timeout=5).json()["calls"]
        mine = [c for c in calls if c["remote_party"] == remote_party and c["transport"] == "sip"]
        if mine or time.monotonic() > deadline:
            assert mine, f"no finished SIP call from {remote_party!r} in /api/history: {calls}"
            return httpx.get(f"{server.http_url}/api/history/{mine[0]['id']}", timeout=5).json()
        time.sleep(0.2)


def test_baresip_hears_greeting_and_lost_card_answer(
    lost_card_wav: Path,
    voicebot_server: ServerProcess,
    keypad_call: object,  # SIPp's keypad call runs meanwhile: two peers at once
    recognizer,
    tmp_path: Path,
) -> None:
    target = f"sip:bot@{voicebot_server.sip_address}"

    placed = baresip.call(target, lost_card_wav, tmp_path, limit_s=40)

    assert placed.established, placed.output[-3000:]
    assert placed.heard is not None and placed.heard.stat().st_size > 8000, (
        f"baresip recorded no audio from the bot:\n{placed.output[-3000:]}\n"
        f"server log:\n{voicebot_server.log_tail()}"
    )
    split = tmp_path / "split"
    before, after = _split_wav(placed.heard, GREETING_S, split)
    greeting = normalized(transcribe_file(before, recognizer))
    answer = normalized(transcribe_file(after, recognizer))
    assert "welcome to example bank" in greeting, greeting  # the part that cannot be interrupted
    assert "account number" in answer, answer
    assert "welcome" not in answer, answer  # the bot moved on, it did not start over

    call = _history_call(voicebot_server, "caller")
    assert call["dialog"] == "bank"
    assert call["outcome"] == "caller_hangup"
    turns = call["record"]["turns"]
    said = [t for t in turns if t["trigger"] == "said"]
    assert said, turns
    assert normalized(said[0]["caller_text"]).startswith("i lost my")
    assert said[0]["intent"] == "lost_card"
    assert said[0]["state"] == "lost_card"
    assert "account number" in said[0]["bot_text"]


def _split_wav(path: Path, at_s: float, folder: Path) -> tuple[Path, Path]:
    """The recording before and after `at_s` seconds, as two WAV files."""
    from voicebot.audio.wav import read_wav, write_wav

    audio, rate = read_wav(path)
    cut = round(at_s * rate)
    folder.mkdir(parents=True, exist_ok=True)
    before, after = folder / "before.wav", folder / "after.wav"
    write_wav(before, audio[:cut], rate)
    write_wav(after, audio[cut:], rate)
    return before, after
