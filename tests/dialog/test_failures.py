"""Run-time failures never leave the caller in silence: an apology, then the fallback (an agent).

Timeouts and refused connections use real loopback sockets; garbage answers and exceptions use
httpx.MockTransport. The slow-webhook filler runs on a FakeClock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from dialog_helpers import FIXTURES, closed_port

from voicebot.clock import FakeClock
from voicebot.dialog import load_dialog
from voicebot.dialog.protocol import CallStarted, Hangup, Say, Transfer

APOLOGY = Say("Sorry, something went wrong on our side.", interruptible=False)
TO_AGENT = Say("Let me put you through to an agent.")


async def run_call(http: httpx.AsyncClient, backend_url: str) -> list:
    dialog = load_dialog(
        FIXTURES / "webhooks.yaml", http=http, base_url_vars={"backend_url": backend_url}
    )
    session = dialog.new_session()
    return [action async for action in session.respond(CallStarted({"call_id": "f1"}))]


def assert_apology_then_agent(actions: list) -> None:
    assert actions[:2] == [APOLOGY, TO_AGENT]
    assert isinstance(actions[2], Transfer) and actions[2].target == "support"
    assert actions[2].context["reason"] == "technical problem"


@pytest.fixture
async def silent_server() -> AsyncIterator[str]:
    """Accepts connections and never answers: every request times out."""
    connections: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/api"
    for writer in connections:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_webhook_success_saves_nested_field() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"order": {"status": "shipped"}})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        actions = await run_call(http, "http://backend.test/api")
    assert actions == [Say("Your order is shipped."), Hangup("completed")]
    assert str(seen[0].url) == "http://backend.test/api/status?order=42"


async def test_webhook_timeout_is_retried_then_apologises_and_transfers(silent_server) -> None:
    async with httpx.AsyncClient() as http:
        actions = await run_call(http, silent_server)
    assert_apology_then_agent(actions)


async def test_webhook_connection_refused(silent_server) -> None:
    async with httpx.AsyncClient() as http:
        actions = await run_call(http, f"http://127.0.0.1:{closed_port()}/api")
    assert_apology_then_agent(actions)


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>oops</html>"),
        httpx.Response(200, json=["not", "an", "object"]),
        httpx.Response(200, json={"order": {}}),
        httpx.Response(500, json={"error": "database down"}),
    ],
    ids=["not-json", "json-list", "field-missing", "http-500"],
)
async def test_webhook_garbage_answer(response: httpx.Response) -> None:
    calls = 0

    def answer(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return response

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        actions = await run_call(http, "http://backend.test/api")
    assert_apology_then_agent(actions)
    assert calls == 1  # the same answer would come again: no retry


async def test_exception_inside_an_action() -> None:
    def explode(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("bug in the backend adapter")

    async with httpx.AsyncClient(transport=httpx.MockTransport(explode)) as http:
        actions = await run_call(http, "http://backend.test/api")
    assert_apology_then_agent(actions)


async def test_failure_without_a_fallback_hangs_up_politely(tmp_path) -> None:
    text = (FIXTURES / "webhooks.yaml").read_text().replace("fallback: agent\n", "")
    text = text.replace(
        "  agent:\n    do:\n      - transfer: {to: support, say: Let me put you through to an agent.}\n",
        "",
    )
    (tmp_path / "nofallback.yaml").write_text(text)
    dialog = load_dialog(
        tmp_path / "nofallback.yaml",
        base_url_vars={"backend_url": f"http://127.0.0.1:{closed_port()}"},
    )
    try:
        actions = [a async for a in dialog.new_session().respond(CallStarted())]
    finally:
        await dialog.aclose()
    assert actions == [APOLOGY, Hangup("error")]


async def test_slow_webhook_says_a_filler_first() -> None:
    clock = FakeClock()
    release = asyncio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return httpx.Response(200, json={"order": {"status": "packed"}})

    async with httpx.AsyncClient(transport=httpx.MockTransport(slow)) as http:
        dialog = load_dialog(FIXTURES / "webhooks.yaml", http=http, clock=clock)
        actions: list = []

        async def collect() -> None:
            async for action in dialog.new_session().respond(CallStarted()):
                actions.append(action)

        async with asyncio.TaskGroup() as group:
            group.create_task(collect())
            await clock.advance(0.9)
            assert actions == []
            await clock.advance(0.2)
            assert actions == [Say("One moment please.")]
            release.set()
    assert actions == [Say("One moment please."), Say("Your order is packed."), Hangup("completed")]


async def test_fast_webhook_needs_no_filler() -> None:
    clock = FakeClock()
    transport = httpx.MockTransport(
        lambda r: httpx.Response(200, json={"order": {"status": "new"}})
    )
    async with httpx.AsyncClient(transport=transport) as http:
        dialog = load_dialog(FIXTURES / "webhooks.yaml", http=http, clock=clock)
        actions = [a async for a in dialog.new_session().respond(CallStarted())]
    assert actions == [Say("Your order is new."), Hangup("completed")]
    assert clock.pending_sleepers == 0  # the filler timer was cancelled


async def test_webhook_on_error_state_chosen_by_the_author(tmp_path) -> None:
    text = (FIXTURES / "webhooks.yaml").read_text()
    text = text.replace(
        "    save: {status: order.status}\n",
        "    save: {status: order.status}\n    on_error: sorry\n",
    )
    text += "  sorry:\n    do:\n      - say: Our order system is down. Please call again later.\n      - hangup: backend_down\n"
    (tmp_path / "on_error.yaml").write_text(text)
    transport = httpx.MockTransport(lambda request: httpx.Response(503))
    async with httpx.AsyncClient(transport=transport) as http:
        dialog = load_dialog(tmp_path / "on_error.yaml", http=http)
        actions = [a async for a in dialog.new_session().respond(CallStarted())]
    assert actions == [
        APOLOGY,
        Say("Our order system is down. Please call again later."),
        Hangup("backend_down"),
    ]
