"""The page, the dialog list and the events WebSocket as a browser sees them (in-process ASGI)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from voicebot.api.app import create_app
from voicebot.api.calls import CallRegistry
from voicebot.api.runtime import AppRuntime
from voicebot.conversation.rule_dialog import demo_dialog
from voicebot.settings import Settings


async def never_runs(leg, dialog_name, variables, on_event):
    raise AssertionError("no call is started in these tests")


def client() -> TestClient:
    runtime = AppRuntime(
        settings=Settings(),
        dialogs={"rule:demo": demo_dialog(), "bank": demo_dialog()},
        default_dialog="bank",
        calls=CallRegistry(never_runs),
    )
    return TestClient(create_app(runtime))


def test_the_page_and_its_assets_are_served_at_the_root():
    with client() as http:
        page = http.get("/")
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert 'id="transcript"' in page.text and 'src="app.js"' in page.text
        assert "getUserMedia" in http.get("/app.js").text
        assert http.get("/style.css").status_code == 200
        assert http.get("/health").json()["status"] == "ok"  # the mount does not hide routes


def test_dialog_list_names_the_default():
    with client() as http:
        assert http.get("/api/dialogs").json() == {
            "default": "bank",
            "dialogs": [{"name": "bank"}, {"name": "rule:demo"}],
        }
        assert http.get("/api/calls").json() == {"calls": []}


def test_events_of_an_unknown_call_are_an_error_message_then_close():
    with client() as http, http.websocket_connect("/ws/calls/missing") as ws:
        assert ws.receive_json() == {"type": "error", "message": "no call 'missing'"}
        assert ws.receive()["code"] == 4404
