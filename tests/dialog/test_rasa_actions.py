"""Custom actions on a real rasa-sdk action server, started on a loopback port for these tests."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from dialog_helpers import FIXTURES, closed_port, script

from voicebot.dialog import load_dialog
from voicebot.dialog.rasa_actions import parse_action_response


@pytest.fixture(scope="module")
def action_server() -> Iterator[str]:
    port = closed_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "rasa_sdk", "--actions", "rasa_actions_demo", "-p", str(port)],
        cwd=FIXTURES,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):  # up to 20 s on a busy machine
            try:
                if httpx.get(f"{url}/health", timeout=0.5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                pytest.fail("the rasa-sdk action server exited")
            time.sleep(0.2)
        else:
            pytest.fail("the rasa-sdk action server did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


async def test_custom_action_sets_slots_and_speaks(action_server: str) -> None:
    dialog = load_dialog(FIXTURES / "rasa_orders.yaml", base_url_vars={"rasa_url": action_server})
    try:
        lines = await script(dialog, ["where is my order", "#42#"])
    finally:
        await dialog.aclose()
    assert lines == [
        "bot: Welcome to the order line.",  # a response from the Rasa domain
        "bot: Ask me where your order is.",
        "caller: where is my order",
        "bot: What is your order number?",
        "caller: #42#",
        "bot: Order 42 is on its way.",  # text from the action
        "bot: Thanks for waiting.",  # a domain response the action named
        "bot: The status is shipped.",  # the slot event updated our slot
        "[hangup: completed]",
    ]


async def test_action_that_raises_leads_to_an_apology_and_an_agent(action_server: str) -> None:
    dialog = load_dialog(FIXTURES / "rasa_orders.yaml", base_url_vars={"rasa_url": action_server})
    try:
        lines = await script(dialog, ["run the broken one"])
    finally:
        await dialog.aclose()
    assert lines[3:5] == [
        "bot: Sorry, something went wrong on our side.  [not interruptible]",
        "bot: Let me put you through to an agent.",
    ]
    assert lines[-1].startswith("[transfer to support]")


async def test_action_server_down_leads_to_an_apology_and_an_agent() -> None:
    down = f"http://127.0.0.1:{closed_port()}"
    dialog = load_dialog(FIXTURES / "rasa_orders.yaml", base_url_vars={"rasa_url": down})
    try:
        lines = await script(dialog, ["track my order", "#7#"])
    finally:
        await dialog.aclose()
    assert lines[-3:-1] == [
        "bot: Sorry, something went wrong on our side.  [not interruptible]",
        "bot: Let me put you through to an agent.",
    ]
    assert lines[-1].startswith("[transfer to support]")


def test_response_parsing_ignores_other_events_and_rejects_garbage() -> None:
    result = parse_action_response(
        {
            "events": [
                {"event": "slot", "name": "a", "value": 1},
                {"event": "followup", "name": "x"},
            ],
            "responses": [{"text": "hi"}, {"response": "utter_bye"}, {"response": "utter_unknown"}],
        },
        {"utter_bye": ["Bye."]},
    )
    assert (result.slots, result.texts) == ({"a": 1}, ["hi", "Bye."])
    with pytest.raises(Exception, match="not an object"):
        parse_action_response(["nope"], {})


async def test_intents_from_a_rasa_nlu_file() -> None:
    dialog = load_dialog(FIXTURES / "rasa_orders.yaml")
    lines = await script(dialog, ["please cancel my order"])
    assert lines[-2:] == ["bot: Your order is cancelled.", "[hangup: cancelled]"]


async def test_classification_by_a_rasa_server_and_local_when_it_is_down() -> None:
    def rasa_parse(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/model/parse"
        return httpx.Response(
            200,
            json={
                "text": "x",
                "intent": {"name": "cancel_order", "confidence": 0.91},
                "entities": [],
            },
        )

    async with httpx.AsyncClient(transport=httpx.MockTransport(rasa_parse)) as http:
        dialog = load_dialog(
            FIXTURES / "rasa_orders.yaml",
            http=http,
            base_url_vars={"rasa_server": "http://rasa.test:5005"},
        )
        lines = await script(dialog, ["something only Rasa understands"])
    assert lines[-1] == "[hangup: cancelled]"

    down = f"http://127.0.0.1:{closed_port()}"
    dialog = load_dialog(FIXTURES / "rasa_orders.yaml", base_url_vars={"rasa_server": down})
    try:
        lines = await script(dialog, ["please cancel my order"])
    finally:
        await dialog.aclose()
    assert lines[-1] == "[hangup: cancelled]"  # the local NLU answered instead
