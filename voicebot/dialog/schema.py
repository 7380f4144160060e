"""The dialog language as pydantic models: validation and the JSON Schema for editors.

Shorthands are accepted where an author would expect them (a state name for a transition, a
list of examples for an intent, a queue name for a transfer) and normalised before validation,
so the rest of the code sees one shape. `dialog_json_schema()` is what `voicebot schema` prints.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

SLOT_TYPES = (
    "digits", "number", "money", "date", "time", "datetime", "yes_no", "phone", "enum", "regex", "text",
)  # fmt: skip
SlotType = Literal[
    "digits",
    "number",
    "money",
    "date",
    "time",
    "datetime",
    "yes_no",
    "phone",
    "enum",
    "regex",
    "text",
]
DTMF_KEYS = frozenset("0123456789*#ABCD")
BUILTIN_VARIABLES = ("caller", "called", "call_id")
HINT_MARK = " || hint: "  # separates a validator's message from its hint


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def _wrap(key: str, *kinds: type, schema: Any = Any) -> BeforeValidator:
    """Accept `value` as shorthand for `{key: value}` when value is one of `kinds`."""

    def convert(value: Any) -> Any:
        return {key: value} if isinstance(value, kinds) and not isinstance(value, bool) else value

    return BeforeValidator(convert, json_schema_input_type=schema)


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, (str, dict)) else value


class IntentSpec(_Strict):
    examples: list[str] = Field(default_factory=list, description="phrases that mean this intent")
    description: str = ""


class RetryPolicy(_Strict):
    """What to do when the caller says nothing (no_input) or nothing we understand (no_match)."""

    say: Annotated[list[str], BeforeValidator(_as_list, json_schema_input_type=list[str] | str)] = (
        Field(
            default_factory=list,
            description="apology before the reprompt; the n-th retry uses the n-th line",
        )
    )
    retries: int = Field(2, ge=0, description="reprompts before the fallback")
    fallback: str | None = Field(None, description="state to go to when retries are used up")


class SlotSpec(_Strict):
    type: SlotType = "text"
    prompt: str | None = Field(None, description="question that asks for the slot")
    reprompt: str | None = Field(None, description="said when the answer did not fit the type")
    confirm: str | None = Field(
        None, description="read-back question, e.g. 'I heard {{ x | spell }}, right?'"
    )
    length: int | None = Field(None, ge=1, description="digits: exact length")
    min_length: int | None = Field(None, ge=1)
    max_length: int | None = Field(None, ge=1)
    min: float | None = Field(None, description="number/money: smallest allowed value")
    max: float | None = None
    values: dict[str, list[str]] | None = Field(
        None, description="enum: canonical value -> synonyms"
    )
    pattern: str | None = Field(None, description="regex: the pattern a value must match")
    webhook: str | None = Field(None, description="webhook called after filling, for validation")
    valid_if: str | None = Field(None, description="condition that must hold after the webhook")
    invalid: str = Field(
        "Sorry, that does not seem to be valid.", description="said when valid_if fails"
    )
    retries: int | None = Field(None, ge=0)
    fallback: str | None = Field(None, description="state when the slot cannot be filled")
    sensitive: bool = Field(False, description="never shown in traces or transfer context")

    @model_validator(mode="before")
    @classmethod
    def _enum_list(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("values"), list):
            data = {**data, "values": {str(v): [] for v in data["values"]}}
        return data


class WebhookSpec(_Strict):
    url: str = Field(description="template, e.g. '{{ var.backend_url }}/balance'")
    method: Literal["GET", "POST"] = "POST"
    body: dict[str, Any] | None = Field(None, description="JSON body; values may be templates")
    headers: dict[str, str] = Field(default_factory=dict)
    timeout: float = Field(3.0, gt=0, description="seconds per attempt")
    retries: int = Field(
        1, ge=0, description="extra attempts after a timeout or refused connection"
    )
    filler: str | None = Field("One moment please.", description="said when the call is slow")
    filler_after: float = Field(1.0, ge=0)
    save: dict[str, str] = Field(
        default_factory=dict, description="slot -> response field (a.b for nested)"
    )
    on_error: str | None = Field(None, description="state to go to when the call fails")


class TransferSpec(_Strict):
    to: str = Field(description="ACD queue name or SIP URI")
    say: str | None = Field(
        "Let me put you through to an agent.", description="said before the transfer"
    )
    reason: str = ""


class CallbackSpec(_Strict):
    when: str = Field(description="template giving an ISO 8601 date-time")
    number: str = "{{ var.caller }}"
    reason: str = ""


VERBS = (
    "say", "set", "clear", "webhook", "rasa_action", "utter", "if", "goto", "transfer", "callback",
    "hangup", "repeat",
)  # fmt: skip


class ActionSpec(_Strict):
    """One step. Exactly one verb per step: `- say: ...`, `- webhook: name`, `- if: cond` ..."""

    say: str | None = None
    interruptible: bool = True
    set: dict[str, Any] | None = Field(None, description="slot -> value (templates allowed)")
    clear: Annotated[
        list[str] | None, BeforeValidator(_as_list, json_schema_input_type=list[str] | str | None)
    ] = None
    webhook: str | None = None
    rasa_action: str | None = Field(None, description="custom action on the Rasa action server")
    utter: str | None = Field(None, description="response from the Rasa domain")
    if_: str | None = Field(None, alias="if", description="condition; runs `then` or `else`")
    then: list[ActionSpec] = Field(default_factory=list)
    else_: list[ActionSpec] = Field(default_factory=list, alias="else")
    goto: str | None = None
    transfer: Annotated[TransferSpec | None, _wrap("to", str, schema=TransferSpec | str | None)] = (
        None
    )
    callback: CallbackSpec | None = None
    hangup: str | None = Field(None, description="outcome label")
    repeat: bool = Field(False, description="say the current state's prompt again")

    @model_validator(mode="after")
    def _one_verb(self) -> ActionSpec:
        present = [verb for verb in VERBS if self.verb_value(verb) not in (None, False)]
        if len(present) > 1:
            raise ValueError(
                f"a step may do one thing, this one has {', '.join(present)}"
                f"{HINT_MARK}write each as its own '- ' step"
            )
        if not present:
            raise ValueError(f"a step does nothing{HINT_MARK}use one of {', '.join(VERBS)}")
        return self

    def verb_value(self, verb: str) -> Any:
        return getattr(self, {"if": "if_"}.get(verb, verb))

    @property
    def verb(self) -> str:
        return next(v for v in VERBS if self.verb_value(v) not in (None, False))


class Transition(_Strict):
    """Where to go. A plain state name is shorthand for `{goto: name}`; `repeat` repeats the prompt."""

    goto: str | None = None
    do: list[ActionSpec] = Field(default_factory=list, description="steps before going")
    if_: str | None = Field(None, alias="if", description="only when this condition holds")


def _transition(value: Any) -> Any:
    if value == "repeat":
        return {"do": [{"repeat": True}]}
    return {"goto": value} if isinstance(value, str) else value


TransitionField = Annotated[
    Transition, BeforeValidator(_transition, json_schema_input_type=Transition | str)
]


def _transition_list(value: Any) -> Any:
    return [value] if isinstance(value, (str, dict)) else value


class StateSpec(_Strict):
    """On entry: collect the slots, run `do`, say the prompt, then wait (expect/dtmf) or go `next`."""

    say: str | None = Field(None, description="the prompt")
    interruptible: bool = Field(True, description="false: the caller cannot barge in on the prompt")
    collect: Annotated[
        list[str], BeforeValidator(_as_list, json_schema_input_type=list[str] | str)
    ] = Field(default_factory=list)
    do: list[ActionSpec] = Field(default_factory=list)
    expect: dict[str, TransitionField] = Field(
        default_factory=dict, description="intent (or yes / no) -> transition"
    )
    dtmf: dict[str, TransitionField] = Field(default_factory=dict, description="key -> transition")
    next: Annotated[
        list[TransitionField],
        BeforeValidator(
            _transition_list, json_schema_input_type=list[Transition | str] | Transition | str
        ),
    ] = Field(
        default_factory=list, description="where to go without waiting; first whose `if` holds"
    )
    no_input: RetryPolicy | None = None
    no_match: RetryPolicy | None = None


class FaqEntry(_Strict):
    question: str
    answer: str


class FaqSpec(_Strict):
    entries: list[FaqEntry] = Field(default_factory=list)
    file: str | None = Field(
        None, description="Markdown file: '## question' headings, answer below"
    )


def _faq(value: Any) -> Any:
    if isinstance(value, list):
        return {"entries": value}
    return {"file": value} if isinstance(value, str) else value


class RasaSpec(_Strict):
    nlu: Annotated[list[str], BeforeValidator(_as_list, json_schema_input_type=list[str] | str)] = (
        Field(default_factory=list, description="Rasa nlu.yml files with more intents and examples")
    )
    domain: str | None = Field(None, description="Rasa domain.yml whose responses `utter` can say")
    server: str | None = Field(
        None, description="URL of a running Rasa server to classify with (var.NAME allowed)"
    )
    actions: str | None = Field(
        None, description="URL of a rasa-sdk action server's /webhook (var.NAME allowed)"
    )
    sets: list[str] = Field(default_factory=list, description="slots the action server may set")
    timeout: float = Field(3.0, gt=0)


class DialogSettings(_Strict):
    language: str = "en"
    voice: str | None = Field(None, description="TTS voice for this dialog")
    no_input_timeout: float = Field(6.0, gt=0)
    inter_digit_timeout: float = Field(3.0, gt=0)
    confidence_threshold: float = Field(0.5, ge=0, le=1)
    timezone: str = "UTC"
    faq_followup: str = "Is there anything else I can help with?"
    faq_first_score: float = Field(
        0.6,
        ge=0,
        le=1.01,
        description="an FAQ match this close is answered even if an intent matched",
    )
    apology: str = "Sorry, something went wrong on our side."


def _default_no_input() -> RetryPolicy:
    return RetryPolicy(say=["Sorry, I did not hear anything."], retries=2)


def _default_no_match() -> RetryPolicy:
    return RetryPolicy(say=["Sorry, I did not understand."], retries=2)


class DialogSpec(_Strict):
    name: str
    description: str = ""
    settings: DialogSettings = Field(default_factory=DialogSettings)
    variables: dict[str, Any] = Field(
        default_factory=dict, description="call variables the dialog reads, with defaults"
    )
    start: str = Field(description="first state")
    fallback: str | None = Field(
        None, description="state for failures (webhook down, errors); else apologise and hang up"
    )
    intents: dict[
        str, Annotated[IntentSpec, _wrap("examples", list, schema=IntentSpec | list[str])]
    ] = Field(default_factory=dict)
    slots: dict[str, SlotSpec] = Field(default_factory=dict)
    webhooks: dict[str, WebhookSpec] = Field(default_factory=dict)
    global_: dict[str, TransitionField] = Field(
        default_factory=dict, alias="global", description="intents valid in every state"
    )
    no_input: RetryPolicy = Field(default_factory=_default_no_input)
    no_match: RetryPolicy = Field(default_factory=_default_no_match)
    faq: Annotated[
        FaqSpec | None,
        BeforeValidator(_faq, json_schema_input_type=FaqSpec | list[FaqEntry] | str | None),
    ] = None
    rasa: RasaSpec | None = None
    states: dict[str, StateSpec]


def dialog_json_schema() -> dict[str, Any]:
    schema = DialogSpec.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "voicebot dialog"
    return schema
