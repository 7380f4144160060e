"""Per-turn latency metrics and the record of a whole call, kept for every call and ready for the store.

A turn is one dialog input (the call start, a caller utterance, a key, a timeout) and the bot's reply.
Timestamps are seconds on the call's Clock; derived latencies are milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from voicebot.conversation.playout import PlaybackReport


def _ms(start: float | None, end: float | None) -> int | None:
    if start is None or end is None:
        return None
    return round((end - start) * 1000)


@dataclass
class TurnRecord:
    index: int
    trigger: str  # "call_started", "said", "pressed", "no_input", "inter_digit"
    caller_text: str | None = None
    confidence: float | None = None
    digit: str | None = None
    intent: str | None = None
    state: str | None = None
    bot_texts: list[str] = field(default_factory=list)
    barge_in: PlaybackReport | None = None  # set when the caller interrupted this turn's reply
    speech_start: float | None = None
    last_sound: float | None = None  # end of the last voiced frame of the caller's utterance
    speech_end: float | None = None  # when the endpointer declared the utterance over
    asr_final: float | None = None  # when the final hypothesis was ready
    asr_decode_s: float | None = None
    speculative_hit: bool | None = None  # the final came from the decode started at the pause
    reply_ready: float | None = None  # when the dialog's first action arrived
    first_audio: float | None = None  # when the first frame of the reply went to the leg

    @property
    def bot_text(self) -> str:
        return " ".join(self.bot_texts)

    def latencies_ms(self) -> dict[str, int | None]:
        return {
            "endpoint": _ms(self.last_sound, self.speech_end),
            "asr": _ms(self.speech_end, self.asr_final),
            "dialog": _ms(self.asr_final, self.reply_ready),
            "tts": _ms(self.reply_ready, self.first_audio),
            "turn": _ms(self.last_sound, self.first_audio),  # last caller sound -> first bot audio
        }

    def to_json(self, origin: float = 0.0) -> dict[str, Any]:
        """`origin`: a Clock time subtracted from every timestamp (the call's start, for logs)."""

        def at(timestamp: float | None) -> float | None:
            return None if timestamp is None else round(timestamp - origin, 4)

        return {
            "turn": self.index,
            "trigger": self.trigger,
            "caller_text": self.caller_text,
            "confidence": self.confidence,
            "digit": self.digit,
            "intent": self.intent,
            "state": self.state,
            "bot_text": self.bot_text,
            "barge_in": self.barge_in.to_json(origin) if self.barge_in else None,
            "timestamps": {
                "speech_start": at(self.speech_start),
                "last_sound": at(self.last_sound),
                "speech_end": at(self.speech_end),
                "asr_final": at(self.asr_final),
                "reply_ready": at(self.reply_ready),
                "first_audio": at(self.first_audio),
            },
            "asr_decode_ms": None if self.asr_decode_s is None else round(self.asr_decode_s * 1000),
            "speculative_hit": self.speculative_hit,
            "latency_ms": self.latencies_ms(),
        }


@dataclass
class CallRecord:
    """Everything one call did: who, which dialog, the turns and how it ended."""

    call_id: str
    remote_party: str
    dialog: str
    started_at: float
    ended_at: float | None = None
    # "completed", "caller_hangup", "ended_by_server", "transferred", "failed", or the dialog's
    outcome: str = "in_progress"
    end_reason: str = ""
    transfer_target: str | None = None
    callbacks: list[dict[str, str]] = field(default_factory=list)
    turns: list[TurnRecord] = field(default_factory=list)

    def new_turn(self, trigger: str) -> TurnRecord:
        turn = TurnRecord(index=len(self.turns), trigger=trigger)
        self.turns.append(turn)
        return turn

    @property
    def duration_s(self) -> float:
        return 0.0 if self.ended_at is None else self.ended_at - self.started_at

    def to_json(self) -> dict[str, Any]:
        """For the store: `started_at`/`ended_at` on the call's Clock, turn timestamps from the start."""
        return {
            "call_id": self.call_id,
            "remote_party": self.remote_party,
            "dialog": self.dialog,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "duration_s": round(self.duration_s, 3),
            "outcome": self.outcome,
            "end_reason": self.end_reason,
            "transfer_target": self.transfer_target,
            "callbacks": list(self.callbacks),
            "turns": [t.to_json(origin=self.started_at) for t in self.turns],
        }
