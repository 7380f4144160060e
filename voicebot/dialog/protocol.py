"""The small interface between the conversation engine and any dialog implementation.

The engine feeds DialogEvents in and carries out the Actions that come back. A dialog knows no
audio and no clock: the same dialog runs under `voicebot chat` (text), `voicebot call` (a WAV),
SIP and WebRTC. `respond` is an async iterator so a dialog can say "one moment" before a slow
webhook returns and then go on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

# ---- events: engine -> dialog -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CallStarted:
    """First event of every call. `variables`: caller number, called number, campaign contact fields..."""

    variables: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CallerSaid:
    text: str
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class CallerPressed:
    """One DTMF key. The dialog collects digit strings itself (terminator, max length)."""

    digit: str


@dataclass(frozen=True, slots=True)
class InputTimeout:
    """Nothing arrived in time after the bot finished speaking (`no_input`) or between keys (`inter_digit`)."""

    kind: str = "no_input"


@dataclass(frozen=True, slots=True)
class CallEnded:
    """The caller hung up (or the call failed). No actions are carried out after this."""

    reason: str = "caller hangup"


DialogEvent = CallStarted | CallerSaid | CallerPressed | InputTimeout | CallEnded

# ---- actions: dialog -> engine ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Say:
    text: str
    interruptible: bool = True


@dataclass(frozen=True, slots=True)
class Listen:
    """Wait for the caller. The no-input timer starts when the bot's audio has finished playing."""

    no_input_timeout: float = 6.0
    inter_digit_timeout: float = 3.0


@dataclass(frozen=True, slots=True)
class Transfer:
    target: str  # a queue name or a SIP URI
    context: Mapping[str, str] = field(default_factory=dict)  # intent, slots, summary, transcript


@dataclass(frozen=True, slots=True)
class Hangup:
    outcome: str = "completed"


@dataclass(frozen=True, slots=True)
class ScheduleCallback:
    """Ask the outbound dialer to call `number` back at `when` (ISO 8601, with offset)."""

    number: str
    when: str
    reason: str = ""


Action = Say | Listen | Transfer | Hangup | ScheduleCallback


@dataclass(frozen=True, slots=True)
class DialogTrace:
    """What the dialog is doing now, for turn logs, `--trace` and the live web view."""

    state: str
    intent: str | None = None
    confidence: float | None = None
    slots: Mapping[str, Any] = field(default_factory=dict)


class DialogSession(Protocol):
    """One call's dialog state."""

    def respond(self, event: DialogEvent) -> AsyncIterator[Action]: ...

    def trace(self) -> DialogTrace: ...


class Dialog(Protocol):
    """A loaded dialog definition, shared by calls; makes one session per call."""

    name: str

    def new_session(self, variables: Mapping[str, Any] | None = None) -> DialogSession: ...

    def static_prompts(self) -> list[str]:
        """Prompt texts without templates, synthesized into the TTS cache when the dialog loads."""
