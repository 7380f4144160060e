"""Calling a dialog's webhooks: render the request, retry what is retryable, map the answer.

httpx errors are translated here into WebhookError, so the runtime handles one kind of failure.
A timeout or refused connection is retried (`retries` times); an HTTP error status or a body that
is not a JSON object is not, since asking again would get the same answer.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import httpx

from voicebot.dialog.errors import WebhookError
from voicebot.dialog.schema import WebhookSpec
from voicebot.dialog.templates import render

log = logging.getLogger(__name__)


def render_value(value: Any, slots: Mapping[str, Any], variables: Mapping[str, Any]) -> Any:
    """Templates inside a JSON body. A value that is exactly one placeholder keeps its type."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("{{") and stripped.endswith("}}") and stripped.count("{{") == 1:
            name = stripped[2:-2].strip()
            if "|" not in name:
                raw = variables.get(name[4:]) if name.startswith("var.") else slots.get(name)
                return _jsonable(raw)
        return render(value, slots, variables)
    if isinstance(value, dict):
        return {k: render_value(v, slots, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [render_value(v, slots, variables) for v in value]
    return value


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return str(value)  # dates, times, decimals


def response_field(data: Mapping[str, Any], dotted: str) -> Any:
    current: Any = data
    for part in dotted.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return None
        current = current[part]
    return current


async def call_webhook(
    client: httpx.AsyncClient,
    name: str,
    spec: WebhookSpec,
    slots: Mapping[str, Any],
    variables: Mapping[str, Any],
) -> dict[str, Any]:
    """The slot values the webhook's answer provides (per `save`); raises WebhookError."""
    url = render(spec.url, slots, variables)
    headers = {k: render(v, slots, variables) for k, v in spec.headers.items()}
    body = render_value(spec.body, slots, variables) if spec.body is not None else None
    attempts = spec.retries + 1
    for attempt in range(1, attempts + 1):
        try:
            if spec.method == "GET":
                params = {k: str(v) for k, v in (body or {}).items()}
                response = await client.get(
                    url, params=params, headers=headers, timeout=spec.timeout
                )
            else:
                response = await client.post(url, json=body, headers=headers, timeout=spec.timeout)
        except (httpx.TimeoutException, httpx.ConnectError) as exc:
            log.warning("webhook %s attempt %d/%d failed: %r", name, attempt, attempts, exc)
            if attempt == attempts:
                raise WebhookError(
                    f"webhook '{name}' failed after {attempts} attempts: {exc!r}"
                ) from exc
            continue
        except httpx.HTTPError as exc:
            raise WebhookError(f"webhook '{name}' failed: {exc!r}") from exc
        return _saved_fields(name, spec, response)
    raise AssertionError("unreachable: the loop returns or raises")


def _saved_fields(name: str, spec: WebhookSpec, response: httpx.Response) -> dict[str, Any]:
    if response.status_code >= 400:
        raise WebhookError(f"webhook '{name}' answered HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError as exc:
        raise WebhookError(f"webhook '{name}' answered something that is not JSON") from exc
    if not isinstance(data, dict):
        raise WebhookError(f"webhook '{name}' answered JSON that is not an object")
    missing = [field for field in spec.save.values() if response_field(data, field) is None]
    if missing:
        raise WebhookError(f"webhook '{name}' answer lacks {', '.join(missing)}")
    return {slot: response_field(data, field) for slot, field in spec.save.items()}
