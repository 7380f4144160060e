"""Intent classification by a running Rasa server, over its HTTP API (`POST /model/parse`).

Request `{"text": ...}`; reply `{"text", "intent": {"name", "confidence"}, "entities":
[{"entity", "value", "start", "end", ...}], "intent_ranking": [...]}`. Every way the server can
fail is translated into NluServiceError at this boundary, marked retryable or not.
"""

from __future__ import annotations

from typing import Any

import httpx

from voicebot.nlu.errors import NluServiceError
from voicebot.nlu.understanding import NO_MATCH, Entity, Understanding

PARSE_PATH = "/model/parse"


class RasaHttpClassifier:
    """`url`: the server's base URL ("http://127.0.0.1:5005") or the full /model/parse URL.
    Pass `client` to share a connection pool (it is then not closed by `aclose`)."""

    def __init__(
        self, url: str, timeout: float = 2.0, *, client: httpx.AsyncClient | None = None
    ) -> None:
        base = url.rstrip("/")
        self.url = base if base.endswith(PARSE_PATH) else base + PARSE_PATH
        self.timeout = timeout
        self._client = client or httpx.AsyncClient()
        self._owns_client = client is None

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> RasaHttpClassifier:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def parse(self, text: str) -> Understanding:
        try:
            response = await self._client.post(self.url, json={"text": text}, timeout=self.timeout)
        except httpx.TimeoutException as exc:
            raise NluServiceError(
                f"Rasa at {self.url} did not answer within {self.timeout} s", retryable=True
            ) from exc
        except httpx.TransportError as exc:
            raise NluServiceError(
                f"cannot reach Rasa at {self.url}: {exc or type(exc).__name__}", retryable=True
            ) from exc
        if response.status_code != 200:
            raise NluServiceError(
                f"Rasa at {self.url} answered HTTP {response.status_code}: {response.text[:200]!r}",
                retryable=response.status_code >= 500 or response.status_code == 429,
            )
        try:
            return understanding_from_rasa(response.json(), text)
        except (ValueError, TypeError, KeyError) as exc:
            raise NluServiceError(
                f"Rasa at {self.url} sent a reply that is not /model/parse JSON: {exc}",
                retryable=False,
            ) from exc


def understanding_from_rasa(reply: Any, text: str) -> Understanding:
    """The Understanding in a /model/parse reply; ValueError/TypeError/KeyError when malformed."""
    if not isinstance(reply, dict):
        raise TypeError(f"expected a JSON object, got {type(reply).__name__}")
    intent = reply["intent"]
    if intent is None or intent.get("name") is None:  # Rasa with no intent classifier trained
        name, confidence = NO_MATCH, 0.0
    else:
        name, confidence = str(intent["name"]), float(intent.get("confidence", 0.0))
    entities = tuple(
        Entity(
            type=str(item["entity"]),
            value=item.get("value"),
            text=text[int(item["start"]) : int(item["end"])] if "start" in item else "",
            start=int(item.get("start", 0)),
            end=int(item.get("end", 0)),
        )
        for item in reply.get("entities") or []
    )
    return Understanding(name, confidence, entities, str(reply.get("text", text)))
