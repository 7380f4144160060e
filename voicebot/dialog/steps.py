"""What a dialog's steps do (say, set, webhook, Rasa action, transfer, hangup...) and the
actions they send out; the base of a session, which adds how caller input moves the dialog.
A step that fails raises StepFailed (with the state its author chose for the failure)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from voicebot.dialog.conditions import evaluate
from voicebot.dialog.context import transfer_context, visible_slots
from voicebot.dialog.errors import RasaActionError, WebhookError
from voicebot.dialog.protocol import Action, Hangup, Listen, Say, ScheduleCallback, Transfer
from voicebot.dialog.rasa_actions import LatestMessage, action_request, run_rasa_action
from voicebot.dialog.schema import ActionSpec
from voicebot.dialog.slots import DigitBuffer
from voicebot.dialog.templates import render
from voicebot.dialog.webhook import call_webhook, render_value

if TYPE_CHECKING:
    from voicebot.dialog.runtime import YamlDialog


CALLER_REQUEST = "caller request"


@dataclass(frozen=True, slots=True)
class Waiting:
    kind: str  # "intent", "slot" or "confirm"
    slot: str | None = None


class StepFailed(Exception):
    """A step failed; `target` is the state its author chose for that failure (or None)."""

    def __init__(self, message: str, target: str | None) -> None:
        super().__init__(message)
        self.target = target


class StepRunner:
    """One call's dialog state and the steps that change it."""

    def __init__(self, dialog: YamlDialog, variables: Mapping[str, Any]) -> None:
        self.dialog = dialog
        self.spec = dialog.spec
        self.variables: dict[str, Any] = dict(variables)
        self.slots: dict[str, Any] = dict.fromkeys(self.spec.slots)
        self.state = self.spec.start
        self.path: list[
            str
        ] = []  # every state entered, in order: the call's way through the dialog
        self.waiting: Waiting | None = None
        self.ended = False
        self.intent: str | None = None  # latest classification, for the trace
        self.confidence: float | None = None
        self.topic: str | None = None  # latest matched intent, for the transfer context
        self.transcript: list[tuple[str, str]] = []
        self._digits = DigitBuffer()
        self._entry_full = False  # the last key entry ended by reaching its length
        self._caller_state: str | None = None
        self._counters: dict[str, int] = {}
        self._last_prompt: Say | None = None
        self._goto: str | None = None
        self._reason = CALLER_REQUEST
        self._recovering = False

    def _left(self) -> bool:
        """True once a step went elsewhere (goto) or ended the call: later steps must not run."""
        return self._goto is not None or self.ended

    # ---- steps ---------------------------------------------------------------------------------

    async def _run(self, steps: list[ActionSpec]) -> AsyncIterator[Action]:
        for step in steps:
            if self._left():
                return
            async for action in self._step(step):
                yield action

    async def _step(self, step: ActionSpec) -> AsyncIterator[Action]:
        slots, variables = self.slots, self.variables
        match step.verb:
            case "say":
                yield self._say(render(step.say or "", slots, variables), step.interruptible)
            case "set":
                for name, value in (step.set or {}).items():
                    slots[name] = render_value(value, slots, variables)
            case "clear":
                for name in step.clear or []:
                    slots[name] = None
            case "webhook":
                async for action in self._webhook(step.webhook or ""):
                    yield action
            case "rasa_action":
                async for action in self._rasa_action(step.rasa_action or ""):
                    yield action
            case "utter":
                texts = self.dialog.responses.get(step.utter or "")
                if not texts:
                    raise StepFailed(f"no Rasa response named '{step.utter}'", None)
                yield self._say(render(texts[0], slots, variables))
            case "if":
                branch = step.then if evaluate(step.if_ or "", slots, variables) else step.else_
                async for action in self._run(branch):
                    yield action
            case "goto":
                self._goto = step.goto
            case "repeat":
                if self._last_prompt is not None:
                    yield self._prompt(self._last_prompt.text, self._last_prompt.interruptible)
            case "transfer" if step.transfer:
                if step.transfer.say:
                    yield self._say(render(step.transfer.say, slots, variables))
                yield self._transfer(
                    render(step.transfer.to, slots, variables), step.transfer.reason
                )
            case "callback" if step.callback:
                yield ScheduleCallback(
                    number=render(step.callback.number, slots, variables),
                    when=render(step.callback.when, slots, variables),
                    reason=render(step.callback.reason, slots, variables),
                )
            case "hangup":
                yield self._hangup(step.hangup or "completed")

    async def _webhook(self, name: str) -> AsyncIterator[Action]:
        spec = self.dialog.spec.webhooks[name]
        call = call_webhook(self.dialog.http(), name, spec, self.slots, self.variables)
        task = asyncio.ensure_future(call)
        try:
            if spec.filler:
                timer = asyncio.ensure_future(self.dialog.clock.sleep(spec.filler_after))
                try:
                    await asyncio.wait({task, timer}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    timer.cancel()
                if not task.done():
                    yield self._say(render(spec.filler, self.slots, self.variables))
            values = await task
        except WebhookError as exc:
            raise StepFailed(str(exc), spec.on_error) from exc
        finally:
            task.cancel()
        self.slots.update(values)

    async def _rasa_action(self, name: str) -> AsyncIterator[Action]:
        rasa = self.spec.rasa
        assert rasa is not None and rasa.actions is not None
        request = action_request(
            name,
            str(self.variables.get("call_id") or "voicebot"),
            self.slots,
            LatestMessage(self._last_caller_text(), self.topic, self.confidence or 0.0),
            list(self.spec.slots),
            self.dialog.responses,
        )
        try:
            result = await run_rasa_action(
                self.dialog.http(),
                render(rasa.actions, self.slots, self.variables),
                request,
                self.dialog.responses,
                timeout_s=rasa.timeout,
            )
        except RasaActionError as exc:
            raise StepFailed(str(exc), None) from exc
        for slot, value in result.slots.items():
            if slot in self.slots:
                self.slots[slot] = value
        for text in result.texts:
            yield self._say(text)

    def _last_caller_text(self) -> str:
        return next((text for who, text in reversed(self.transcript) if who == "caller"), "")

    # ---- actions out ---------------------------------------------------------------------------

    def _say(self, text: str, interruptible: bool = True) -> Say:
        self.transcript.append(("bot", text))
        return Say(text, interruptible)

    def _prompt(self, text: str, interruptible: bool = True) -> Say:
        self._last_prompt = self._say(text, interruptible)
        return self._last_prompt

    def _listen(self) -> Listen:
        self._caller_state = self.state  # where the caller was last asked something
        settings = self.spec.settings
        return Listen(settings.no_input_timeout, settings.inter_digit_timeout)

    def _hangup(self, outcome: str) -> Hangup:
        self.ended = True
        self.waiting = None
        return Hangup(outcome)

    def _transfer(self, target: str, reason: str) -> Transfer:
        self.ended = True
        self.waiting = None
        context = transfer_context(
            dialog=self.spec.name,
            state=self._caller_state or self.state,
            intent=self.topic,
            slots=visible_slots(self.slots, self.spec.slots),
            transcript=self.transcript,
            reason=self._reason if self._reason != CALLER_REQUEST else (reason or CALLER_REQUEST),
        )
        return Transfer(target, context)
