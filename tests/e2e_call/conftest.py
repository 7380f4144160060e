"""Real models, loaded once per session and shared by the end-to-end tests of `voicebot call`."""

from __future__ import annotations

import pytest

from voicebot.settings import Settings


@pytest.fixture(scope="session")
def recognizer():
    from voicebot.models import load_recognizer

    return load_recognizer(Settings().asr)


@pytest.fixture(scope="session")
def synthesizer():
    from voicebot.models import load_synthesizer

    return load_synthesizer(Settings().tts)
