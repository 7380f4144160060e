"""Text chat with a dialog: caller lines in, the bot's turns out (`voicebot chat`).

A caller line is speech, except: `#123#` presses keys 1, 2, 3 and # one by one; `(silence)` is a
no-input timeout; `(pause)` is an inter-digit timeout; `(hangup)` ends the call. In scripts, blank
lines and lines starting with `//` are skipped.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from typing import Any

from voicebot.dialog.protocol import (
    Action,
    CallEnded,
    CallerPressed,
    CallerSaid,
    CallStarted,
    DialogEvent,
    DialogSession,
    DialogTrace,
    Hangup,
    InputTimeout,
    Listen,
    Say,
    ScheduleCallback,
    Transfer,
)

SPECIAL_LINES: dict[str, DialogEvent] = {
    "(silence)": InputTimeout("no_input"),
    "(pause)": InputTimeout("inter_digit"),
    "(hangup)": CallEnded(),
}


def events_for_line(line: str) -> list[DialogEvent]:
    text = line.strip()
    if text in SPECIAL_LINES:
        return [SPECIAL_LINES[text]]
    if text.startswith("#") and len(text) > 1:
        return [CallerPressed(key) for key in text[1:] if not key.isspace()]
    return [CallerSaid(text)]


def script_lines(text: str) -> list[str]:
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.strip().startswith("//")
    ]


def format_action(action: Action) -> str | None:
    """One printable line per action; Listen is implied by the next prompt, so it prints nothing."""
    match action:
        case Say(text=text, interruptible=interruptible):
            return f"bot: {text}" + ("" if interruptible else "  [not interruptible]")
        case Transfer(target=target, context=context):
            return f"[transfer to {target}] {context.get('summary', '')}"
        case Hangup(outcome=outcome):
            return f"[hangup: {outcome}]"
        case ScheduleCallback(number=number, when=when, reason=reason):
            return f"[callback {number} at {when}{': ' + reason if reason else ''}]"
        case Listen():
            return None
    return repr(action)


def format_trace(trace: DialogTrace) -> str:
    confidence = "" if trace.confidence is None else f" {trace.confidence:.2f}"
    slots = json.dumps(dict(trace.slots), default=str, sort_keys=True)
    return f"  [state={trace.state} intent={trace.intent or '-'}{confidence} slots={slots}]"


class ChatTranscript:
    """Drives one session from lines and keeps what it printed."""

    def __init__(
        self, session: DialogSession, out: Callable[[str], None], *, trace: bool, echo: bool = True
    ) -> None:
        self.session = session
        self.out = out
        self.trace = trace
        self.echo = echo  # print the caller's lines too (scripts); not when a person typed them
        self.actions: list[Action] = []
        self.finished = False

    async def start(self, variables: Mapping[str, Any]) -> None:
        await self._feed([CallStarted(dict(variables))])

    async def line(self, line: str) -> None:
        if self.finished:
            return
        if self.echo:
            self.out(f"caller: {line}")
        await self._feed(events_for_line(line))

    async def _feed(self, events: Iterable[DialogEvent]) -> None:
        for event in events:
            async for action in _actions(self.session, event):
                self.actions.append(action)
                printed = format_action(action)
                if printed:
                    self.out(printed)
                if isinstance(action, (Hangup, Transfer)):
                    self.finished = True
            if isinstance(event, CallEnded):
                self.finished = True
        if self.trace:
            self.out(format_trace(self.session.trace()))


async def _actions(session: DialogSession, event: DialogEvent) -> AsyncIterator[Action]:
    async for action in session.respond(event):
        yield action
