"""A small fake Rasa server on a loopback port: answers POST /model/parse in Rasa's JSON shape,
or misbehaves on purpose (slow, HTTP 500, garbage) so the client's error handling can be tested."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any


def rasa_reply(text: str) -> dict[str, Any]:
    """What Rasa 3 answers for a bank-ish model: lost card with the card type as an entity."""
    start = text.find("visa")
    entities = (
        [
            {
                "entity": "card_type",
                "start": start,
                "end": start + 4,
                "confidence_entity": 0.98,
                "value": "visa",
                "extractor": "DIETClassifier",
            }
        ]
        if start >= 0
        else []
    )
    return {
        "text": text,
        "intent": {"name": "lost_card", "confidence": 0.93},
        "entities": entities,
        "intent_ranking": [
            {"name": "lost_card", "confidence": 0.93},
            {"name": "check_balance", "confidence": 0.05},
        ],
        "response_selector": {"all_retrieval_intents": []},
    }


class FakeRasa:
    def __init__(self, mode: str = "ok") -> None:
        self.mode = mode  # "ok", "slow", "error500", "garbage", "no_intent"
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.port = 0
        self.handlers: set[asyncio.Task[None]] = set()  # open connections, cancelled at close

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.handlers.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            length = next(
                (
                    int(line.split(":", 1)[1])
                    for line in lines
                    if line.lower().startswith("content-length:")
                ),
                0,
            )
            body = json.loads(await reader.readexactly(length)) if length else {}
            self.requests.append((path, body))
            if self.mode == "slow":
                await asyncio.Event().wait()  # never answers; cancelled when the server closes
            status, payload = 200, b""
            if path != "/model/parse":
                status, payload = 404, b'{"status": "failure"}'
            elif self.mode == "ok":
                payload = json.dumps(rasa_reply(body["text"])).encode()
            elif self.mode == "no_intent":
                payload = json.dumps(
                    {
                        "text": body["text"],
                        "intent": {"name": None, "confidence": 0.0},
                        "entities": [],
                    }
                ).encode()
            elif self.mode == "error500":
                status, payload = 500, b'{"status": "failure", "message": "model not loaded"}'
            else:
                payload = b"<html>surprise</html>"
            reason = {200: "OK", 404: "Not Found", 500: "Internal Server Error"}[status]
            writer.write(
                f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode()
                + payload
            )
            await writer.drain()
        finally:
            writer.close()
            self.handlers.discard(task)


@asynccontextmanager
async def fake_rasa(mode: str = "ok") -> AsyncIterator[FakeRasa]:
    fake = FakeRasa(mode)
    server = await asyncio.start_server(fake._handle, "127.0.0.1", 0)
    fake.port = server.sockets[0].getsockname()[1]
    try:
        yield fake
    finally:
        server.close()
        for task in list(fake.handlers):
            task.cancel()
        await server.wait_closed()
