"""The live event stream of one call, for the web page and the agent console: small frozen messages.

`Conversation(on_event=...)` receives each as it happens; `to_json()` gives a dict ready for a
WebSocket. Timestamps are seconds on the call's Clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from voicebot.conversation.metrics import TurnRecord
from voicebot.conversation.playout import PlaybackReport
from voicebot.dialog.protocol import DialogTrace


@dataclass(frozen=True, slots=True)
class TranscriptEvent:
    text: str
    is_final: bool
    timestamp: float
    confidence: float = 1.0

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "transcript",
            "kind": "final" if self.is_final else "partial",
            "text": self.text,
            "confidence": self.confidence,
            "timestamp": self.timestamp,
        }


@dataclass(frozen=True, slots=True)
class BotSpeechEvent:
    text: str
    timestamp: float
    interruptible: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "bot_speech",
            "text": self.text,
            "interruptible": self.interruptible,
            "timestamp": self.timestamp,
        }


@dataclass(frozen=True, slots=True)
class DialogStateEvent:
    trace: DialogTrace
    timestamp: float

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "dialog_state",
            "state": self.trace.state,
            "intent": self.trace.intent,
            "confidence": self.trace.confidence,
            "slots": {k: str(v) for k, v in self.trace.slots.items()},
            "timestamp": self.timestamp,
        }


@dataclass(frozen=True, slots=True)
class BargeInEvent:
    report: PlaybackReport
    timestamp: float  # when the bot audio was stopped
    speech_onset: float  # when the caller's speech began

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "barge_in",
            "report": self.report.to_json(),
            "speech_onset": self.speech_onset,
            "timestamp": self.timestamp,
        }


@dataclass(frozen=True, slots=True)
class TurnMetricsEvent:
    turn: TurnRecord

    def to_json(self) -> dict[str, Any]:
        return {"type": "turn_metrics", **self.turn.to_json()}


@dataclass(frozen=True, slots=True)
class CallEndedEvent:
    outcome: str
    reason: str
    timestamp: float

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "call_ended",
            "outcome": self.outcome,
            "reason": self.reason,
            "timestamp": self.timestamp,
        }


ConversationEvent = (
    TranscriptEvent
    | BotSpeechEvent
    | DialogStateEvent
    | BargeInEvent
    | TurnMetricsEvent
    | CallEndedEvent
)
