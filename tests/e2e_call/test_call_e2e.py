"""`voicebot call` with the real models: Piper plays the caller, Whisper checks what the bot said."""

import json
import re

import numpy as np
import pytest

from voicebot.audio import ENGINE_RATE, read_wav, resample, write_wav
from voicebot.cli import main
from voicebot.conversation.rule_dialog import demo_dialog

pytestmark = pytest.mark.slow

# "Your balance is one hundred and twenty dollars. Anything else?"
REPLY = demo_dialog().rules[0].reply


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9$ ]+", " ", text.lower()).split()


@pytest.fixture
def caller_wav(tmp_path, synthesizer):
    """At the synthesizer's own rate (22.05 kHz): the command must resample it."""
    rate = synthesizer.sample_rate
    said = synthesizer.synthesize("I want to check my balance.")
    quiet = np.zeros(int(1.5 * rate), dtype=np.int16)  # then the caller barges into the greeting
    path = tmp_path / "caller.wav"
    write_wav(path, np.concatenate([quiet, said, quiet[: rate // 2]]), rate)
    return path


def test_voicebot_call_answers_a_spoken_question(tmp_path, caller_wav, recognizer, capsys):
    out, log = tmp_path / "bot.wav", tmp_path / "turns.jsonl"
    # in-process, so the command gets the session's models from the process-wide model set
    command = ["call", "rule:demo", "--wav", str(caller_wav), "--out", str(out), "--log", str(log)]
    assert main([*command, "--fast"]) == 0
    printed = capsys.readouterr().out
    assert "outcome caller_hangup" in printed and "check_balance" in printed

    turns = [json.loads(line) for line in log.read_text().splitlines()]
    assert [t["trigger"] for t in turns[:2]] == ["call_started", "said"]
    greeting, asked = turns[0], turns[1]
    cut = greeting["barge_in"]  # the caller spoke 1.5 s into the greeting
    assert cut["interrupted"] and 1500 <= cut["played_ms"] <= 1800
    assert demo_dialog().greeting.startswith(cut["heard_text"]) and cut["heard_text"]
    assert "check my balance" in asked["caller_text"].lower()
    assert asked["intent"] == "check_balance"
    assert asked["bot_text"] == REPLY
    stamps = asked["timestamps"]
    assert 1.5 <= stamps["speech_start"] < stamps["last_sound"] < stamps["speech_end"]
    assert stamps["speech_end"] <= stamps["asr_final"] <= stamps["reply_ready"]
    assert stamps["reply_ready"] <= stamps["first_audio"]
    assert asked["barge_in"] is None

    bot, rate = read_wav(out)
    assert rate == ENGINE_RATE
    reply_audio = bot[int(stamps["first_audio"] * rate) :]
    heard = words(recognizer.transcribe(reply_audio).text)
    for word in ("your", "balance", "anything", "else"):
        assert word in heard, heard
    assert "120" in " ".join(heard) or "hundred" in heard, heard
    heard = words(recognizer.transcribe(bot[: int(stamps["first_audio"] * rate)]).text)
    assert heard[:2] == ["hello", "thanks"], heard
    assert "help" not in heard, heard  # its last sentence was never played


def test_the_caller_wav_may_be_stereo_at_8_khz(tmp_path, synthesizer):
    from voicebot.conversation.file_leg import load_caller_audio

    mono = resample(synthesizer.synthesize("Hello."), synthesizer.sample_rate, 8000)
    stereo = np.stack([mono, mono], axis=1).astype("<i2")
    path = tmp_path / "stereo.wav"
    import wave

    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(stereo.tobytes())
    audio = load_caller_audio(path)
    assert audio.dtype == np.int16
    assert abs(len(audio) - 2 * len(mono)) <= 2
