"""Stand-ins for transport tests: an echo engine, and fake speech engines for the real Conversation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Any

import numpy as np

from telephony.leg import CallLeg, DtmfDigit, LegHangup
from voicebot.api.calls import EventSink
from voicebot.asr.hypothesis import Hypothesis
from voicebot.audio import ENGINE_RATE, AudioFrame
from voicebot.conversation.services import CallServices, endpointer_factory

from .on_loopback import loopback_settings


async def echo_runner(
    leg: CallLeg, dialog_name: str, variables: Mapping[str, Any], on_event: EventSink
) -> str:
    """Sends every caller frame straight back; "#" makes the bot hang up."""
    on_event({"type": "bot_speech", "text": f"echo on {dialog_name}", "timestamp": 0.0})
    async for event in leg.events():
        match event:
            case AudioFrame():
                await leg.send_audio(event)
            case DtmfDigit(digit="#"):
                await leg.hangup("bot hangup")
                return "bot hangup"
            case DtmfDigit(digit=digit):
                on_event({"type": "transcript", "kind": "final", "text": f"pressed {digit}"})
            case LegHangup(reason=reason):
                on_event({"type": "call_ended", "outcome": "caller_hangup", "reason": reason})
                return reason
    return "events ended"


def tone(freq: float, seconds: float, amplitude: int = 8000) -> np.ndarray:
    t = np.arange(int(seconds * ENGINE_RATE)) / ENGINE_RATE
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.int16)


BOT_LEVEL = 3000
MS_PER_WORD = 40


class LoudnessDetector:
    def is_speech(self, frame: AudioFrame) -> bool:
        return bool(np.abs(frame.samples).max() > 1500)


class OnePhraseRecognizer:
    """Hears "check my balance" in any audio that is long enough to be an utterance."""

    async def transcribe(self, audio: np.ndarray, *, final: bool = True) -> Hypothesis:
        text = "check my balance" if len(audio) > ENGINE_RATE // 4 else ""
        return Hypothesis(text, is_final=final, confidence=0.9 if text else 0.0)


class HumSpeech:
    """A 300 Hz hum, MS_PER_WORD per word: easy to detect in what the caller hears."""

    async def stream(self, text: str) -> AsyncIterator[np.ndarray]:
        await asyncio.sleep(0)
        yield tone(300, len(text.split()) * MS_PER_WORD / 1000, BOT_LEVEL)


def fake_services() -> CallServices:
    settings = loopback_settings()
    return CallServices(
        settings=settings,
        asr=OnePhraseRecognizer(),
        speech=HumSpeech(),
        make_detector=LoudnessDetector,
        make_endpointer=endpointer_factory(settings),
    )
