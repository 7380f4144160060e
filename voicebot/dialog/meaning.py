"""The meaning pass of `voicebot check`, over a structurally valid dialog: states that do not
exist or are never reached, dead ends and silent loops, intents and slots used but never defined
or filled, templates and conditions that do not parse, steps that need a missing section.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path as FilePath
from typing import Any

from voicebot.dialog.conditions import condition_names
from voicebot.dialog.errors import ConditionError, Problem, TemplateError
from voicebot.dialog.faq import faq_pairs
from voicebot.dialog.graph import reachable_states, silent_cycles, terminates
from voicebot.dialog.schema import (
    BUILTIN_VARIABLES,
    DTMF_KEYS,
    ActionSpec,
    DialogSpec,
    RetryPolicy,
    Transition,
)
from voicebot.dialog.templates import placeholders
from voicebot.dialog.yamlnodes import Path, YamlDocument

YES_NO_INTENTS = ("yes", "no")
_MARKDOWN = re.compile(r"\*\*|__|`|\[[^\]]*\]\(|^\s*#|^\s*[-*] ", re.MULTILINE)


def _suggest(name: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


class MeaningChecker:
    """Collects Problems about one dialog; `run()` returns them; `extra_intents` and `rasa_data`
    (intents, synonyms, lookups, regexes) are what the Rasa nlu files add."""

    def __init__(self, spec: DialogSpec, doc: YamlDocument, file: str, base_dir: FilePath) -> None:
        self.spec, self.doc, self.file, self.base_dir = spec, doc, file, base_dir
        self.problems: list[Problem] = []
        self.extra_intents: dict[str, list[str]] = {}
        self.rasa_data: Any | None = None  # voicebot.nlu.NluTrainingData of all Rasa nlu files
        self.slot_uses: list[tuple[str, Path, int | None]] = []  # slot, where it is read
        self.filled: set[str] = set(spec.rasa.sets if spec.rasa else ())
        self.responses: dict[str, list[str]] | None = None  # from the Rasa domain, once loaded

    def error(
        self, path: Path, message: str, hint: str = "", *, key: bool = False, at: int | None = None
    ) -> None:
        """`at`: a character offset inside the string value, for a precise column."""
        if at is not None:
            pos = self.doc.text_position(path, at)
        else:
            pos = self.doc.position(path, key=key)
        self.problems.append(Problem(self.file, pos.line, pos.column, message, hint))

    def run(self) -> list[Problem]:
        self._load_extras()
        spec = self.spec
        self._state_ref(spec.start, ("start",))
        if spec.fallback:
            self._state_ref(spec.fallback, ("fallback",))
        self._retry(spec.no_input, ("no_input",))
        self._retry(spec.no_match, ("no_match",))
        self._intents()
        self._slots()
        self._webhooks()
        self._templates_in(spec.variables, ("variables",), slots_allowed=False)
        for intent, transition in spec.global_.items():
            self._intent_ref(intent, ("global", intent))
            self._transition(transition, ("global", intent))
        for name in spec.states:
            self._state(name, ("states", name))
        self._slots_filled()
        self._reachability()
        self._loops()
        return self.problems

    # ---- references --------------------------------------------------------------------------

    def _state_ref(self, target: str, path: Path) -> None:
        if target not in self.spec.states:
            self.error(
                path,
                f"transition to missing state '{target}'",
                _suggest(target, self.spec.states) or "define the state under 'states:'",
            )

    def _intent_ref(self, intent: str, path: Path) -> None:
        known = set(self.spec.intents) | set(self.extra_intents) | set(YES_NO_INTENTS)
        if intent not in known:
            hint = _suggest(intent, known) or "declare it under 'intents:' with examples"
            self.error(path, f"intent '{intent}' is not defined", hint, key=True)

    def _slot_ref(self, slot: str, path: Path, *, key: bool = False, at: int | None = None) -> bool:
        if slot in self.spec.slots:
            return True
        hint = _suggest(slot, self.spec.slots) or "declare it under 'slots:'"
        self.error(path, f"unknown slot '{slot}'", hint, key=key, at=at)
        return False

    def _template(self, text: str, path: Path, *, slots_allowed: bool = True) -> None:
        try:
            found = placeholders(text)
        except TemplateError as exc:
            self.error(
                path, f"bad template: {exc}", "write placeholders as {{ slot }} or {{ var.name }}"
            )
            return
        for ph in found:
            if ph.is_variable:
                self._variable_ref(ph.name[4:], path, at=ph.start)
            elif not slots_allowed:
                self.error(
                    path,
                    f"template names slot '{ph.name}' where only var.NAME is known",
                    at=ph.start,
                )
            elif self._slot_ref(ph.name, path, at=ph.start):
                self.slot_uses.append((ph.name, path, ph.start))

    def _spoken(self, text: str, path: Path) -> None:
        """A template that TTS will read: also warn about Markdown, which would be read aloud."""
        self._template(text, path)
        if _MARKDOWN.search(text):
            pos = self.doc.position(path)
            self.problems.append(
                Problem(
                    self.file,
                    pos.line,
                    pos.column,
                    "prompt contains Markdown, which the voice would read aloud",
                    "write plain sentences",
                    severity="warning",
                )
            )

    def _variable_ref(self, name: str, path: Path, *, at: int | None = None) -> None:
        known = set(BUILTIN_VARIABLES) | set(self.spec.variables)
        if name not in known:
            hint = _suggest(name, known) or f"declare it under 'variables:' (e.g. {name}: null)"
            self.error(path, f"unknown call variable 'var.{name}'", hint, at=at)

    def _templates_in(self, value: Any, path: Path, *, slots_allowed: bool = True) -> None:
        if isinstance(value, str):
            self._template(value, path, slots_allowed=slots_allowed)
        elif isinstance(value, dict):
            for key, item in value.items():
                self._templates_in(item, (*path, key), slots_allowed=slots_allowed)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self._templates_in(item, (*path, i), slots_allowed=slots_allowed)

    def _condition(self, text: str, path: Path) -> None:
        try:
            names = condition_names(text)
        except ConditionError as exc:
            self.error(path, str(exc), "use slots, literals, ==, !=, <, >, and, or, not, in")
            return
        for name in names:
            if name.startswith("var."):
                self._variable_ref(name[4:], path)
            elif self._slot_ref(name, path):
                self.slot_uses.append((name, path, None))

    # ---- sections ------------------------------------------------------------------------------

    def _load_extras(self) -> None:
        rasa = self.spec.rasa
        if rasa:
            for i, nlu_file in enumerate(rasa.nlu):
                try:
                    from voicebot.nlu import load_rasa_nlu

                    data = load_rasa_nlu(self.base_dir / nlu_file)
                except Exception as exc:  # any failure to read the file is the author's to fix
                    self.error(("rasa", "nlu", i), f"cannot load Rasa NLU file '{nlu_file}': {exc}")
                    continue
                for intent, examples in data.intents.items():
                    self.extra_intents.setdefault(intent, []).extend(examples)
                self.rasa_data = data if self.rasa_data is None else self.rasa_data.merge(data)
            for key in ("actions", "server"):
                if getattr(rasa, key):
                    self._template(getattr(rasa, key), ("rasa", key), slots_allowed=False)
            if rasa.domain:
                try:
                    from voicebot.nlu import load_rasa_domain_responses

                    self.responses = load_rasa_domain_responses(self.base_dir / rasa.domain)
                except Exception as exc:  # a missing or malformed file is the author's to fix
                    self.error(
                        ("rasa", "domain"), f"cannot load Rasa domain '{rasa.domain}': {exc}"
                    )
        try:
            faq_pairs(self.spec.faq, self.base_dir)
        except Exception as exc:  # NluDataError or OSError: the author's file to fix
            self.error(
                ("faq",), f"cannot read FAQ file: {exc}", "the path is relative to the dialog"
            )

    def _intents(self) -> None:
        for name, intent in self.spec.intents.items():
            if not intent.examples and not self.extra_intents.get(name):
                self.error(
                    ("intents", name),
                    f"intent '{name}' has no examples",
                    "add a few phrases a caller would say, e.g. examples: [...]",
                    key=True,
                )

    def _slots(self) -> None:
        for name, slot in self.spec.slots.items():
            path: Path = ("slots", name)
            for field_name in ("prompt", "reprompt", "confirm", "invalid"):
                if getattr(slot, field_name):
                    self._spoken(getattr(slot, field_name), (*path, field_name))
            if slot.type == "enum" and not slot.values:
                self.error(
                    path, f"enum slot '{name}' has no values", "add values: [a, b, c]", key=True
                )
            if slot.type == "regex" and not slot.pattern:
                self.error(
                    path, f"regex slot '{name}' has no pattern", "add pattern: '...'", key=True
                )
            if slot.webhook:
                self._webhook_ref(slot.webhook, (*path, "webhook"))
            if slot.valid_if:
                self._condition(slot.valid_if, (*path, "valid_if"))
            if slot.fallback:
                self._state_ref(slot.fallback, (*path, "fallback"))

    def _webhook_ref(self, name: str, path: Path) -> None:
        if name not in self.spec.webhooks:
            hint = _suggest(name, self.spec.webhooks) or "declare it under 'webhooks:'"
            self.error(path, f"unknown webhook '{name}'", hint)

    def _webhooks(self) -> None:
        for name, hook in self.spec.webhooks.items():
            path: Path = ("webhooks", name)
            self._template(hook.url, (*path, "url"))
            self._templates_in(hook.body, (*path, "body"))
            self._templates_in(hook.headers, (*path, "headers"))
            if hook.filler:
                self._spoken(hook.filler, (*path, "filler"))
            for slot in hook.save:
                if self._slot_ref(slot, (*path, "save", slot), key=True):
                    self.filled.add(slot)
            if hook.on_error:
                self._state_ref(hook.on_error, (*path, "on_error"))

    def _retry(self, policy: RetryPolicy | None, path: Path) -> None:
        if policy is None:
            return
        lines_path = (*path, "say")
        if lines_path in self.doc.flow_lists and any(
            not line.rstrip().endswith((".", "?", "!")) for line in policy.say
        ):
            pos = self.doc.position(lines_path)
            self.problems.append(
                Problem(
                    self.file,
                    pos.line,
                    pos.column,
                    f"in [...] every comma starts a new line: this is {len(policy.say)} lines, "
                    + " / ".join(repr(line) for line in policy.say),
                    "write one '- ' line per sentence, or quote each one",
                    severity="warning",
                )
            )
        for i, line in enumerate(policy.say):
            self._spoken(line, (*path, "say", i))
        if policy.fallback:
            self._state_ref(policy.fallback, (*path, "fallback"))

    def _state(self, name: str, path: Path) -> None:
        state = self.spec.states[name]
        if state.say:
            self._spoken(state.say, (*path, "say"))
        for i, slot in enumerate(state.collect):
            if self._slot_ref(slot, (*path, "collect", i)):
                self.filled.add(slot)
                if not self.spec.slots[slot].prompt:
                    self.error(
                        ("slots", slot),
                        f"slot '{slot}' is collected but has no prompt",
                        "add prompt: the question that asks for it",
                        key=True,
                    )
        self._actions(state.do, (*path, "do"))
        for intent, transition in state.expect.items():
            self._intent_ref(intent, (*path, "expect", intent))
            self._transition(transition, (*path, "expect", intent))
        for key, transition in state.dtmf.items():
            if len(key) != 1 or key not in DTMF_KEYS:
                self.error(
                    (*path, "dtmf", key),
                    f"'{key}' is not a DTMF key",
                    "use one of 0-9, *, # (A-D on some phones)",
                    key=True,
                )
            self._transition(transition, (*path, "dtmf", key))
        for i, transition in enumerate(state.next):
            self._transition(transition, (*path, "next", i))
            if not transition.goto and not terminates(transition.do):
                self.error(
                    (*path, "next", i),
                    f"a 'next' transition of state '{name}' goes nowhere",
                    "give it goto: STATE (or end its steps with hangup or transfer)",
                )
        if state.next and state.next[-1].if_ is not None:
            self.error(
                (*path, "next"),
                f"state '{name}' has no unconditional 'next' transition",
                "end the list with a transition without 'if' so the call always goes on",
            )
        self._retry(state.no_input, (*path, "no_input"))
        self._retry(state.no_match, (*path, "no_match"))
        if not (state.expect or state.dtmf or state.next or terminates(state.do)):
            self.error(
                path,
                f"state '{name}' is a dead end: it neither waits for the caller nor goes anywhere",
                "add expect:, dtmf: or next:, or end its steps with hangup or transfer",
                key=True,
            )

    def _transition(self, transition: Transition, path: Path) -> None:
        if transition.goto:
            self._state_ref(transition.goto, (*path, "goto"))
        if transition.if_:
            self._condition(transition.if_, (*path, "if"))
        self._actions(transition.do, (*path, "do"))

    def _actions(self, actions: list[ActionSpec], path: Path) -> None:
        for i, action in enumerate(actions):
            self._action(action, (*path, i))

    def _action(self, action: ActionSpec, path: Path) -> None:
        verb = action.verb
        at = (*path, verb)
        match verb:
            case "say":
                self._spoken(action.say or "", at)
            case "set":
                for slot, value in (action.set or {}).items():
                    if self._slot_ref(slot, (*at, slot), key=True):
                        self.filled.add(slot)
                    self._templates_in(value, (*at, slot))
            case "clear":
                for i, slot in enumerate(action.clear or []):
                    self._slot_ref(slot, (*at, i))
            case "webhook":
                self._webhook_ref(action.webhook or "", at)
            case "rasa_action":
                if not (self.spec.rasa and self.spec.rasa.actions):
                    self.error(at, "rasa_action needs an action server", "set rasa: {actions: URL}")
            case "utter":
                if not (self.spec.rasa and self.spec.rasa.domain):
                    self.error(at, "utter needs a Rasa domain", "set rasa: {domain: domain.yml}")
                elif self.responses is not None and action.utter not in self.responses:
                    hint = _suggest(action.utter or "", self.responses) or "add it to the domain"
                    self.error(at, f"response '{action.utter}' is not in the Rasa domain", hint)
            case "if":
                self._condition(action.if_ or "", at)
                self._actions(action.then, (*path, "then"))
                self._actions(action.else_, (*path, "else"))
            case "goto":
                self._state_ref(action.goto or "", at)
            case "transfer" if action.transfer:
                self._template(action.transfer.to, (*at, "to"))
                if action.transfer.say:
                    self._spoken(action.transfer.say, (*at, "say"))
            case "callback" if action.callback:
                for name in ("when", "number", "reason"):
                    self._template(getattr(action.callback, name), (*at, name))

    # ---- whole-dialog properties -----------------------------------------------------------

    def _slots_filled(self) -> None:
        reported: set[str] = set()
        for slot, path, at in self.slot_uses:
            if slot not in self.filled and slot not in reported:
                reported.add(slot)
                self.error(
                    path,
                    f"slot '{slot}' is used but never collected",
                    "add it to a state's collect:, set it, or save it from a webhook",
                    at=at,
                )

    def _loops(self) -> None:
        for cycle in silent_cycles(self.spec):
            loop = " -> ".join([*cycle, cycle[0]])
            self.error(
                ("states", cycle[0]),
                f"states loop without ever waiting for the caller: {loop}",
                "let one of them wait with expect: or dtmf:, or end the call",
                key=True,
            )

    def _reachability(self) -> None:
        seen = reachable_states(self.spec)
        for name in self.spec.states:
            if name not in seen:
                self.error(
                    ("states", name),
                    f"state '{name}' is never reached",
                    "add a transition to it, or remove it",
                    key=True,
                )
