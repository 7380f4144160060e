"""Shared, session-scoped speech fixtures: models load once, test audio is synthesized once and cached."""

from __future__ import annotations

from pathlib import Path

import pytest
from asr_speech_ids import LOOP_PRONE_IDS, ROUND_TRIP_IDS

from voicebot.asr import WhisperRecognizer
from voicebot.models import process_models
from voicebot.models.speech_set import SpeechClip, load_utterances, synthesize_clips
from voicebot.settings import AsrSettings, TtsSettings

TESTS = Path(__file__).resolve().parents[1]
UTTERANCES = TESTS / "fixtures" / "speech" / "utterances.json"
ARTIFACTS = TESTS / ".artifacts" / "speech"


@pytest.fixture(scope="session")
def recognizer() -> WhisperRecognizer:
    engine = process_models().recognizer(AsrSettings(workers=2))
    assert isinstance(engine, WhisperRecognizer)
    return engine


@pytest.fixture(scope="session")
def piper_clips() -> dict[str, SpeechClip]:
    """Piper renditions of the test set's utterances, by id (cached under tests/.artifacts/speech)."""
    wanted = set(ROUND_TRIP_IDS + LOOP_PRONE_IDS + ("digits-01", "digits-04"))
    utterances = [u for u in load_utterances(UTTERANCES) if u.id in wanted]
    synthesizer = process_models().synthesizer(TtsSettings())
    return {
        c.utterance.id: c for c in synthesize_clips(utterances, synthesizer, cache_dir=ARTIFACTS)
    }
