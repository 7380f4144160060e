"""A loaded YAML dialog: the checked spec, its trained NLU and what its sessions share.

`load_dialog` refuses a broken file with the checker's messages (DialogError), so a server never
starts half-working. Loading trains the NLU once (NluPipeline caches by content).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

import httpx

from voicebot.clock import Clock, MonotonicClock
from voicebot.dialog.checker import check_file
from voicebot.dialog.errors import DialogError
from voicebot.dialog.faq import faq_pairs
from voicebot.dialog.graph import all_actions
from voicebot.dialog.schema import DialogSpec
from voicebot.dialog.session import GIVE_UP, TRY_AGAIN, YamlDialogSession
from voicebot.dialog.templates import is_static, render
from voicebot.nlu.understanding import NO_MATCH, Understanding

log = logging.getLogger(__name__)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class YamlDialog:
    """Implements voicebot.dialog.protocol.Dialog for one dialog file."""

    def __init__(
        self,
        spec: DialogSpec,
        nlu: Any,  # voicebot.nlu.NluPipeline
        *,
        http: httpx.AsyncClient | None = None,
        variables: Mapping[str, Any] | None = None,
        responses: Mapping[str, list[str]] | None = None,
        rasa_server: str | None = None,  # URL of a Rasa server to classify with
        clock: Clock | None = None,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.spec = spec
        self.name = spec.name
        self.voice = spec.settings.voice  # None: the server's default voice
        self.language = spec.settings.language
        self.nlu = nlu
        self.threshold = spec.settings.confidence_threshold
        self.responses: Mapping[str, list[str]] = responses or {}
        self.variables = {**spec.variables, **(variables or {})}
        # a server URL from an empty variable means: no Rasa server, classify locally
        self.rasa_server = render(rasa_server, {}, self.variables) or None if rasa_server else None
        # voicebot.nlu.RasaHttpClassifier, made on first use
        self._rasa_classifier: Any | None = None
        self.clock: Clock = clock or MonotonicClock()
        self.now = now or _utc_now
        self._http = http
        self._owns_http = http is None

    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient()
        return self._http

    async def aclose(self) -> None:
        if self._owns_http and self._http is not None:
            await self._http.aclose()
            self._http = None

    def new_session(self, variables: Mapping[str, Any] | None = None) -> YamlDialogSession:
        return YamlDialogSession(self, {**self.variables, **(variables or {})})

    async def classify(self, text: str, expected: Collection[str]) -> Understanding:
        if self.rasa_server is not None:
            from voicebot.nlu import RasaHttpClassifier
            from voicebot.nlu.errors import NluServiceError

            if self._rasa_classifier is None:
                self._rasa_classifier = RasaHttpClassifier(self.rasa_server, client=self.http())
            try:
                return await self._rasa_classifier.parse(text)
            except NluServiceError as exc:
                log.warning("Rasa server unusable, classifying locally: %s", exc)
        if not expected:
            return Understanding(NO_MATCH, 0.0, text=text)
        return self.nlu.parse(text, expected=expected)

    def answer_faq(self, text: str) -> Any | None:
        """The closest FAQ entry (voicebot.nlu.FaqAnswer: question, answer, score) or None."""
        return self.nlu.answer_faq(text)

    def static_prompts(self) -> list[str]:
        """Prompt texts without placeholders, for warming the TTS cache."""
        spec = self.spec
        texts = [spec.settings.apology, spec.settings.faq_followup, TRY_AGAIN, GIVE_UP]
        texts += [s.say for s in spec.states.values() if s.say]
        texts += [t for s in spec.slots.values() for t in (s.prompt, s.reprompt, s.invalid) if t]
        texts += [h.filler for h in spec.webhooks.values() if h.filler]
        for policy in [spec.no_input, spec.no_match] + [
            p for s in spec.states.values() for p in (s.no_input, s.no_match) if p
        ]:
            texts += policy.say
        texts += _step_texts(spec)
        seen: dict[str, None] = {}
        for text in texts:
            if text and is_static(text):
                seen.setdefault(text, None)
        return list(seen)


def _step_texts(spec: DialogSpec) -> list[str]:
    steps = [a for s in spec.states.values() for a in all_actions(s.do)]
    for state in spec.states.values():
        for transition in [*state.expect.values(), *state.dtmf.values(), *state.next]:
            steps += list(all_actions(transition.do))
    for transition in spec.global_.values():
        steps += list(all_actions(transition.do))
    texts = [a.say for a in steps if a.say]
    texts += [a.transfer.say for a in steps if a.transfer and a.transfer.say]
    return [t for t in texts if t]


def load_dialog(
    path: str | Path,
    *,
    http: httpx.AsyncClient | None = None,
    base_url_vars: Mapping[str, Any] | None = None,
    clock: Clock | None = None,
    now: Callable[[], dt.datetime] | None = None,
) -> YamlDialog:
    """Check, then load a dialog; raises DialogError (with the checker's lines) when it is broken.

    `base_url_vars` override the dialog's `variables:` defaults (e.g. the backend URL from
    settings); `clock` times the webhook filler; `now` is "today" for dates the caller says.
    """
    from voicebot.nlu import NluPipeline, NluTrainingData

    checked = check_file(path)
    errors = [str(p) for p in checked.problems if p.is_error]
    if errors or checked.spec is None:
        raise DialogError(errors or [f"{path}: could not be loaded"])
    spec = checked.spec
    base_dir = Path(path).parent
    intents = {name: list(intent.examples) for name, intent in spec.intents.items()}
    data = NluTrainingData(intents=intents, faq=faq_pairs(spec.faq, base_dir))
    if checked.rasa_data is not None:  # the Rasa files' examples, synonyms, lookups and regexes
        data = data.merge(checked.rasa_data)
    nlu = NluPipeline.train(data, threshold=spec.settings.confidence_threshold)
    responses: dict[str, list[str]] = {}
    if spec.rasa is not None and spec.rasa.domain:
        from voicebot.nlu import load_rasa_domain_responses

        responses = dict(load_rasa_domain_responses(base_dir / spec.rasa.domain))
    return YamlDialog(
        spec,
        nlu,
        http=http,
        variables=base_url_vars,
        responses=responses,
        rasa_server=spec.rasa.server if spec.rasa else None,
        clock=clock,
        now=now,
    )
