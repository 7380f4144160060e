"""The app's own routes: health, finished-call history, the demo bank backend."""

from __future__ import annotations

from fastapi.testclient import TestClient

from voicebot.api.app import create_app
from voicebot.api.runtime import AppRuntime
from voicebot.settings import Settings
from voicebot.store import CallStore


def _client(tmp_path, **settings) -> tuple[TestClient, CallStore]:
    store = CallStore(f"sqlite:///{tmp_path / 'calls.db'}")
    runtime = AppRuntime(Settings(**settings), store=store, model_info={"asr": "tiny.en"})
    return TestClient(create_app(runtime)), store


def test_health_reports_models_dialogs_and_calls(tmp_path):
    client, _ = _client(tmp_path)
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["models"] == {"asr": "tiny.en"}
    assert body["active_calls"] == 0


def test_finished_calls_are_listed_newest_first_and_read_whole(tmp_path):
    client, store = _client(tmp_path)
    store.save(
        call_id="a", direction="inbound", transport="sip", dialog="bank", record={"turns": [1]}
    )
    store.save(
        call_id="b",
        direction="inbound",
        transport="webrtc",
        dialog="bank",
        record={"turns": [2]},
        outcome="transferred",
    )

    listed = client.get("/api/history").json()["calls"]
    assert [c["id"] for c in listed] == ["b", "a"]
    assert (
        client.get("/api/history", params={"outcome": "transferred"}).json()["calls"][0]["id"]
        == "b"
    )
    assert client.get("/api/history/a").json()["record"] == {"turns": [1]}
    missing = client.get("/api/history/nope")
    assert missing.status_code == 404
    assert "nope" in missing.json()["detail"]


def test_the_demo_bank_backend_is_served_unless_turned_off(tmp_path):
    client, _ = _client(tmp_path)
    served = client.post("/demo/bank/account", json={"account": "12345678"})
    assert served.status_code in (200, 404, 422)  # a JSON answer from the backend itself
    assert served.headers["content-type"].startswith("application/json")
    client, _ = _client(tmp_path, demo_backend=False)
    # without the backend the path falls through to the static page mount, which takes no POST
    assert client.post("/demo/bank/account", json={}).status_code == 405
