"""Running custom actions on a rasa-sdk action server (its `/webhook` protocol).

We send the action name with a tracker (slots, the latest message) and a domain; the server
answers with events and responses. `slot` events update our slots; responses are spoken (their
`text`, or a named domain response looked up in the Rasa domain we loaded).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from voicebot.dialog.errors import RasaActionError

log = logging.getLogger(__name__)
RASA_VERSION = "3.21.0"  # what we tell the action server; rasa-sdk only warns on a mismatch


@dataclass(frozen=True, slots=True)
class RasaActionResult:
    slots: dict[str, Any] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class LatestMessage:
    text: str = ""
    intent: str | None = None
    confidence: float = 0.0


def action_request(
    action: str,
    sender_id: str,
    slots: Mapping[str, Any],
    latest: LatestMessage,
    domain_slots: list[str],
    responses: Mapping[str, list[str]],
) -> dict[str, Any]:
    intent = {"name": latest.intent, "confidence": latest.confidence} if latest.intent else {}
    message = {"text": latest.text, "intent": intent, "entities": [], "intent_ranking": []}
    return {
        "next_action": action,
        "sender_id": sender_id,
        "version": RASA_VERSION,
        "tracker": {
            "sender_id": sender_id,
            "slots": {name: _jsonable(value) for name, value in slots.items()},
            "latest_message": message,
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": None,
        },
        "domain": {
            "slots": {name: {"type": "any", "mappings": []} for name in domain_slots},
            "responses": {name: [{"text": t} for t in texts] for name, texts in responses.items()},
            "actions": [action],
            "intents": [],
            "entities": [],
            "forms": {},
        },
    }


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return str(value)


def parse_action_response(data: Any, responses: Mapping[str, list[str]]) -> RasaActionResult:
    """Slots and texts from a `/webhook` answer; raises RasaActionError on anything malformed."""
    if not isinstance(data, dict):
        raise RasaActionError("action server answered JSON that is not an object")
    events, messages = data.get("events", []), data.get("responses", [])
    if not isinstance(events, list) or not isinstance(messages, list):
        raise RasaActionError("action server answer lacks 'events' and 'responses' lists")
    slots: dict[str, Any] = {}
    for event in events:
        if isinstance(event, dict) and event.get("event") == "slot" and "name" in event:
            slots[str(event["name"])] = event.get("value")
    texts: list[str] = []
    for message in messages:
        if not isinstance(message, dict):
            raise RasaActionError("action server response entry is not an object")
        if message.get("text"):
            texts.append(str(message["text"]))
        name = message.get("response") or message.get("template")
        if name and name in responses and responses[name]:
            texts.append(responses[name][0])
    return RasaActionResult(slots, texts)


async def run_rasa_action(
    client: httpx.AsyncClient,
    url: str,
    request: dict[str, Any],
    responses: Mapping[str, list[str]],
    *,
    timeout_s: float,
) -> RasaActionResult:
    action = request["next_action"]
    try:
        response = await client.post(url, json=request, timeout=timeout_s)
    except httpx.HTTPError as exc:
        raise RasaActionError(
            f"Rasa action server at {url} failed for '{action}': {exc!r}"
        ) from exc
    if response.status_code != 200:
        try:
            detail = response.json().get("error", "")
        except (ValueError, AttributeError):
            detail = ""
        raise RasaActionError(
            f"Rasa action server answered HTTP {response.status_code} for '{action}' {detail}".strip()
        )
    try:
        data = response.json()
    except ValueError as exc:
        raise RasaActionError(f"Rasa action server answered non-JSON for '{action}'") from exc
    return parse_action_response(data, responses)
