"""One call's walk through a YAML dialog: events in, actions out.

Entering a state runs its program: collect the missing slots (each asks, waits, validates and may
read back for confirmation), run `do`, say the prompt, then wait (expect/dtmf) or follow `next`.
Every turn that waits for the caller ends with Listen. Anything that fails at run time (a
webhook, the Rasa action server, an exception in an action) is caught in `respond`: the caller
hears an apology and goes to the fallback state (often an agent), or the call ends politely.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from voicebot.dialog.conditions import evaluate
from voicebot.dialog.context import visible_slots
from voicebot.dialog.protocol import (
    Action,
    CallEnded,
    CallerPressed,
    CallerSaid,
    CallStarted,
    DialogEvent,
    DialogTrace,
    InputTimeout,
    Say,
)
from voicebot.dialog.schema import RetryPolicy, SlotSpec, StateSpec, Transition
from voicebot.dialog.slots import extract_slot_value, keypad_text, max_keys
from voicebot.dialog.steps import StepFailed, StepRunner, Waiting
from voicebot.dialog.templates import render

log = logging.getLogger(__name__)
TRY_AGAIN = "Let's try again."
GIVE_UP = "Sorry, I could not help you this time. Goodbye."
MAX_HOPS = 50  # state changes in one turn; more means states loop without asking the caller


class YamlDialogSession(StepRunner):
    """Implements voicebot.dialog.protocol.DialogSession."""

    # ---- protocol ------------------------------------------------------------------------------

    def trace(self) -> DialogTrace:
        return DialogTrace(
            state=self.state,
            intent=self.intent,
            confidence=self.confidence,
            slots=visible_slots(self.slots, self.spec.slots),
        )

    async def respond(self, event: DialogEvent) -> AsyncIterator[Action]:
        """The actions for one event. Call it for one event at a time, and read it to the end."""
        if self.ended:
            return
        try:
            async for action in self._turn(event):
                if not (isinstance(action, Say) and not action.text.strip()):
                    yield action  # a template whose slots are all empty says nothing
        except Exception as exc:  # the caller must never be left in silence
            async for action in self._recover(exc):
                yield action

    async def _turn(self, event: DialogEvent) -> AsyncIterator[Action]:
        async for action in self._handle(event):
            yield action
        async for action in self._follow():
            yield action

    # ---- events --------------------------------------------------------------------------------

    async def _handle(self, event: DialogEvent) -> AsyncIterator[Action]:
        match event:
            case CallStarted(variables=variables):
                self.variables.update(variables)
                self._goto = self.spec.start
            case CallEnded():
                self.ended = True
            case CallerSaid(text=text) if self.waiting is not None:
                self._entry_full = False
                self._heard(text)
                async for action in self._on_text(text.strip()):
                    yield action
            case CallerPressed(digit=key) if self.waiting is not None:
                self._heard(f"pressed {key}")
                async for action in self._on_key(key):
                    yield action
            case InputTimeout() if self.waiting is not None and self._digits:
                # keys were typed and then nothing came: the entry is what was typed
                async for action in self._keyed_slot(self._digits.take()):
                    yield action
            case InputTimeout(kind="inter_digit") if self.waiting is not None:
                yield self._listen()
            case InputTimeout() if self.waiting is not None:
                async for action in self._retry("no_input"):
                    yield action

    def _heard(self, text: str) -> None:
        slot = self._slot_spec()
        sensitive = slot is not None and slot.sensitive
        self.transcript.append(("caller", "(private input)" if sensitive else text))

    async def _on_text(self, text: str) -> AsyncIterator[Action]:
        assert self.waiting is not None
        if self.waiting.kind == "intent":
            gen = self._intent_text(text)
        elif self.waiting.kind == "slot":
            gen = self._slot_text(text)
        else:
            gen = self._confirm_text(text)
        async for action in gen:
            yield action

    async def _on_key(self, key: str) -> AsyncIterator[Action]:
        assert self.waiting is not None
        ended_by_length, self._entry_full = self._entry_full, False
        if key == "#" and ended_by_length:
            yield self._listen()  # the habitual '#' after an entry that was already complete
            return
        # a key names an intent only where the state maps keys; in a slot or read-back it is data
        self.intent, self.confidence = (
            (f"key {key}", 1.0) if self.waiting.kind == "intent" else (None, None)
        )
        if self.waiting.kind == "intent":
            transition = self._state().dtmf.get(key)
            if transition is None:
                gen = self._retry("no_match")
            else:
                gen = self._take(transition)
        elif self.waiting.kind == "confirm":
            gen = self._confirm_text(keypad_text(SlotSpec(type="yes_no"), key))
        else:
            slot = self._slot_spec()
            assert slot is not None
            if not self._digits.press(key, max_keys(slot)):
                yield self._listen()
                return
            self._entry_full = key != "#"
            gen = self._keyed_slot(self._digits.take())
        async for action in gen:
            yield action

    # ---- understanding ---------------------------------------------------------------------------

    async def _understand(self, text: str, expected: list[str]) -> str | None:
        understanding = await self.dialog.classify(text, expected)
        self.intent, self.confidence = understanding.intent, understanding.confidence
        if understanding.matched and understanding.confidence >= self.dialog.threshold:
            if understanding.intent not in self.spec.global_:
                self.topic = understanding.intent
            return understanding.intent
        return None

    def _yes_no(self, text: str) -> str | None:
        value = extract_slot_value(
            SlotSpec(type="yes_no"), text, now=self.dialog.now(), tz=self.spec.settings.timezone
        )
        return value if value in ("yes", "no") else None

    async def _intent_text(self, text: str) -> AsyncIterator[Action]:
        state = self._state()
        expected = [i for i in state.expect if i not in ("yes", "no")] + list(self.spec.global_)
        faq = self.dialog.answer_faq(text)
        if faq is not None and faq.score >= self.spec.settings.faq_first_score:
            async for action in self._faq_answer(faq.answer):  # a question asked nearly verbatim
                yield action
            return
        intent = await self._understand(text, expected)
        # the state's own intents first, then a plain yes or no, then the global intents
        transition = state.expect.get(intent or "")
        if transition is None and ("yes" in state.expect or "no" in state.expect):
            answer = self._yes_no(text)
            transition = state.expect.get(answer or "")
            if transition is not None:
                self.intent, self.confidence = answer, 1.0
        if transition is None:
            transition = self.spec.global_.get(intent or "")
        if transition is not None:
            async for action in self._take(transition):
                yield action
            return
        if faq is not None:
            async for action in self._faq_answer(faq.answer):
                yield action
            return
        async for action in self._retry("no_match"):
            yield action

    async def _faq_answer(self, answer: str) -> AsyncIterator[Action]:
        self.intent, self.confidence = "faq", None
        yield self._say(answer)
        if self.spec.settings.faq_followup:
            yield self._say(self.spec.settings.faq_followup)
        yield self._listen()

    async def _global(self, text: str) -> Transition | None:
        if not self.spec.global_:
            return None
        intent = await self._understand(text, list(self.spec.global_))
        return self.spec.global_.get(intent or "")

    # ---- slots ---------------------------------------------------------------------------------

    def _slot_spec(self) -> SlotSpec | None:
        if self.waiting is None or self.waiting.slot is None:
            return None
        return self.spec.slots[self.waiting.slot]

    async def _slot_text(self, text: str) -> AsyncIterator[Action]:
        slot = self._slot_spec()
        assert slot is not None
        value = None
        if slot.type != "text":
            value = self._extract(slot, text)
        transition = await self._global(text) if value is None else None
        if transition is not None:
            gen = self._take(transition)
        elif value is None and slot.type != "text":
            gen = self._retry("no_match")
        else:
            gen = self._accept(text if value is None else value)
        async for action in gen:
            yield action

    def _extract(self, slot: SlotSpec, text: str) -> Any | None:
        return extract_slot_value(slot, text, now=self.dialog.now(), tz=self.spec.settings.timezone)

    async def _keyed_slot(self, keys: str) -> AsyncIterator[Action]:
        slot = self._slot_spec()
        assert slot is not None
        value = self._extract(slot, keypad_text(slot, keys)) if keys else None
        gen = self._retry("no_match") if value is None else self._accept(value)
        async for action in gen:
            yield action

    async def _accept(self, value: Any) -> AsyncIterator[Action]:
        assert self.waiting is not None and self.waiting.slot is not None
        name = self.waiting.slot
        slot = self.spec.slots[name]
        self.slots[name] = value
        if slot.webhook:
            async for action in self._webhook(slot.webhook):
                yield action
        if slot.valid_if and not evaluate(slot.valid_if, self.slots, self.variables):
            self.slots[name] = None
            yield self._say(render(slot.invalid, self.slots, self.variables))
            async for action in self._retry("no_match", apologise=False):
                yield action
            return
        if slot.confirm:
            self.waiting = Waiting("confirm", name)
            yield self._prompt(render(slot.confirm, self.slots, self.variables))
            yield self._listen()
            return
        self._filled(name)
        async for action in self._proceed():
            yield action

    def _filled(self, name: str) -> None:
        self.waiting = None
        for kind in ("no_input", "no_match"):
            self._counters.pop(f"{kind}:{name}", None)

    async def _confirm_text(self, text: str) -> AsyncIterator[Action]:
        assert self.waiting is not None and self.waiting.slot is not None
        name = self.waiting.slot
        answer = self._yes_no(text)
        if answer == "yes":
            self._filled(name)
            gen = self._proceed()
        elif answer == "no":  # counts as a miss, so a caller who never agrees reaches the fallback
            self.slots[name] = None
            self.waiting = Waiting("slot", name)
            yield self._say(TRY_AGAIN)
            gen = self._retry("no_match", apologise=False, reprompt=self.spec.slots[name].prompt)
        else:
            transition = await self._global(text)
            gen = self._take(transition) if transition else self._retry("no_match")
        async for action in gen:
            yield action

    async def _ask_slot(self, name: str) -> AsyncIterator[Action]:
        slot = self.spec.slots[name]
        self.waiting = Waiting("slot", name)
        self._digits.take()
        yield self._prompt(render(slot.prompt or name, self.slots, self.variables))
        yield self._listen()

    # ---- states and transitions ------------------------------------------------------------

    def _state(self) -> StateSpec:
        return self.spec.states[self.state]

    async def _follow(self) -> AsyncIterator[Action]:
        hops = 0
        while self._goto is not None and not self.ended:
            hops += 1
            if hops > MAX_HOPS:
                raise RuntimeError(f"more than {MAX_HOPS} state changes without asking the caller")
            name, self._goto = self._goto, None
            self.state = name
            self.path.append(name)
            self.waiting = None
            self._counters.clear()
            async for action in self._proceed():
                yield action

    async def _proceed(self) -> AsyncIterator[Action]:
        state = self._state()
        for name in state.collect:
            if self.slots.get(name) is None:
                async for action in self._ask_slot(name):
                    yield action
                return
        async for action in self._run(state.do):
            yield action
        if self._left():
            return
        if state.say:
            yield self._prompt(render(state.say, self.slots, self.variables), state.interruptible)
        if state.expect or state.dtmf:
            self.waiting = Waiting("intent")
            yield self._listen()
            return
        for transition in state.next:
            if transition.if_ is None or evaluate(transition.if_, self.slots, self.variables):
                async for action in self._take(transition):
                    yield action
                return
        raise RuntimeError(f"state '{self.state}' has nowhere to go")

    async def _take(self, transition: Transition) -> AsyncIterator[Action]:
        async for action in self._run(transition.do):
            yield action
        if self._left():
            return
        if transition.goto:
            self._goto = transition.goto
        elif self.waiting is not None:
            yield self._listen()  # a global like help or repeat: stay and listen again
        else:
            raise RuntimeError(f"a transition in state '{self.state}' goes nowhere")

    async def _retry(
        self, kind: str, *, apologise: bool = True, reprompt: str | None = None
    ) -> AsyncIterator[Action]:
        """One more try after no input or no match (apology, the prompt again, listen), or the
        fallback once the retries are used up. `reprompt` replaces the prompt said again."""
        slot_name = self.waiting.slot if self.waiting else None
        slot = self.spec.slots[slot_name] if slot_name else None
        key = f"{kind}:{slot_name or ''}"
        count = self._counters[key] = self._counters.get(key, 0) + 1
        state_policy: RetryPolicy | None = getattr(self._state(), kind)
        dialog_policy: RetryPolicy = getattr(self.spec, kind)
        policy = state_policy or dialog_policy
        retries = slot.retries if slot is not None and slot.retries is not None else policy.retries
        if count > retries:
            fallback = (
                (slot.fallback if slot else None)
                or (state_policy.fallback if state_policy else None)
                or dialog_policy.fallback
                or self.spec.fallback
            )
            # the agent's summary says what the bot could not get: "no match for account_number"
            self._reason = kind.replace("_", " ") + (f" for {slot_name}" if slot_name else "")
            if fallback:
                self._goto = fallback
                return
            yield self._say(GIVE_UP)
            yield self._hangup(kind)
            return
        if apologise and policy.say:
            yield self._say(
                render(policy.say[min(count, len(policy.say)) - 1], self.slots, self.variables)
            )
        if reprompt is None and kind == "no_match" and slot and self.waiting.kind == "slot":
            reprompt = slot.reprompt
        if reprompt:
            yield self._prompt(render(reprompt, self.slots, self.variables))
        elif self._last_prompt is not None:
            yield self._prompt(self._last_prompt.text, self._last_prompt.interruptible)
        self._digits.take()
        yield self._listen()

    async def _recover(self, exc: Exception) -> AsyncIterator[Action]:
        log.warning("dialog %s failed in state %s: %s", self.spec.name, self.state, exc)
        self._goto = None
        self._reason = "technical problem"
        yield self._say(self.spec.settings.apology, interruptible=False)
        target = exc.target if isinstance(exc, StepFailed) else None
        target = target or self.spec.fallback
        if self._recovering or target is None or self.ended:
            if not self.ended:
                yield self._hangup("error")
            return
        self._recovering = True
        try:
            self._goto = target
            async for action in self._follow():
                yield action
        except Exception:
            log.exception("dialog %s: the fallback failed too", self.spec.name)
            if not self.ended:
                yield self._hangup("error")
        finally:
            self._recovering = False
