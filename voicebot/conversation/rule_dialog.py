"""A small keyword dialog: a greeting, keyword -> reply rules, DTMF shortcuts, reprompts and goodbye.

It implements the Dialog protocol without YAML, so `voicebot call rule:demo` and the engine's tests
work on their own. `demo_dialog()` is a tiny bank line.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from voicebot.dialog.protocol import (
    Action,
    CallEnded,
    CallerPressed,
    CallerSaid,
    CallStarted,
    DialogEvent,
    DialogTrace,
    Hangup,
    InputTimeout,
    Listen,
    Say,
    Transfer,
)


@dataclass(frozen=True, slots=True)
class Rule:
    intent: str
    keywords: tuple[str, ...]  # any of these words or phrases in the caller's words
    reply: str = ""
    digit: str | None = None  # a key that means the same
    transfer_to: str | None = None
    hangup: bool = False


@dataclass(frozen=True)
class RuleDialog:
    name: str
    greeting: str
    rules: tuple[Rule, ...]
    fallback: str
    reprompt: str
    goodbye: str = "Goodbye."
    max_no_input: int = 2
    greeting_interruptible: bool = True
    listen: Listen = field(default_factory=Listen)

    def new_session(self, variables: Mapping[str, Any] | None = None) -> RuleSession:
        return RuleSession(self, dict(variables or {}))

    def static_prompts(self) -> list[str]:
        texts = [self.greeting, self.fallback, self.reprompt, self.goodbye]
        return texts + [r.reply for r in self.rules if r.reply]

    def match(self, text: str) -> Rule | None:
        words = " " + re.sub(r"[^a-z0-9 ]+", " ", text.lower()) + " "
        for rule in self.rules:
            if any(f" {keyword} " in words for keyword in rule.keywords):
                return rule
        return None


class RuleSession:
    def __init__(self, dialog: RuleDialog, variables: dict[str, Any]) -> None:
        self._dialog = dialog
        self.variables = variables
        self.state = "start"
        self.intent: str | None = None
        self.no_inputs = 0
        self.events: list[DialogEvent] = []  # everything the engine sent, in order

    def trace(self) -> DialogTrace:
        return DialogTrace(self.state, self.intent, None if self.intent is None else 1.0)

    async def respond(self, event: DialogEvent) -> AsyncIterator[Action]:
        self.events.append(event)
        for action in self._actions(event):
            yield action

    def _actions(self, event: DialogEvent) -> list[Action]:
        dialog = self._dialog
        match event:
            case CallStarted():
                self.state = "greeting"
                return [Say(dialog.greeting, dialog.greeting_interruptible), dialog.listen]
            case CallerSaid(text=text):
                return self._apply(dialog.match(text))
            case CallerPressed(digit=digit):
                return self._apply(next((r for r in dialog.rules if r.digit == digit), None))
            case InputTimeout():
                self.no_inputs += 1
                self.intent = None
                if self.no_inputs >= dialog.max_no_input:
                    self.state = "ended"
                    return [Say(dialog.goodbye), Hangup("no_input")]
                self.state = "reprompt"
                return [Say(dialog.reprompt), dialog.listen]
            case CallEnded():
                self.state = "ended"
                return []
        raise TypeError(f"RuleSession cannot handle {event!r}")

    def _apply(self, rule: Rule | None) -> list[Action]:
        self.no_inputs = 0
        if rule is None:
            self.state, self.intent = "fallback", "no_match"
            return [Say(self._dialog.fallback), self._dialog.listen]
        self.state, self.intent = rule.intent, rule.intent
        actions: list[Action] = [Say(rule.reply)] if rule.reply else []
        if rule.transfer_to:
            actions.append(Transfer(rule.transfer_to, {"intent": rule.intent}))
        elif rule.hangup:
            actions.append(Hangup("completed"))
        else:
            actions.append(self._dialog.listen)
        return actions


def demo_dialog() -> RuleDialog:
    """A tiny bank line: balance, an agent, goodbye."""
    return RuleDialog(
        name="rule:demo",
        greeting="Hello, thanks for calling Demo Bank. How can I help you?",
        rules=(
            Rule(
                "check_balance",
                ("balance", "how much money"),
                "Your balance is one hundred and twenty dollars. Anything else?",
                digit="1",
            ),
            Rule(
                "agent",
                ("agent", "person", "human", "representative"),
                "Connecting you to an agent.",
                digit="0",
                transfer_to="agents",
            ),
            Rule("goodbye", ("bye", "goodbye", "no thanks"), "Goodbye.", hangup=True),
        ),
        fallback="Sorry, I can tell you your balance or connect you to an agent.",
        reprompt="Sorry, I did not hear you. How can I help you?",
    )


RULE_DIALOGS = {"rule:demo": demo_dialog}
