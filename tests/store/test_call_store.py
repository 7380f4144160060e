"""The call store keeps records on SQLite and, where a server runs, PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from voicebot.store import CallStore, StoreError

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_available() -> bool:
    try:
        with create_engine(POSTGRES_URL).connect() as conn:
            conn.execute(text("select 1"))
        return True
    except Exception:
        return False


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'calls.db'}"
    else:
        if not _postgres_available():
            pytest.skip("no PostgreSQL on 127.0.0.1:5432")
        url = POSTGRES_URL
    store = CallStore(url)
    yield store
    store.close()


def test_a_saved_call_reads_back_with_its_turns(store):
    call_id = f"test-{uuid.uuid4()}"
    turns = [{"caller": "check my balance", "intent": "check_balance", "latency_ms": 412}]
    store.save(
        call_id=call_id,
        direction="inbound",
        transport="sip",
        dialog="bank",
        remote_party="sip:+15551234567@127.0.0.1",
        record={"turns": turns},
        duration_s=31.5,
        outcome="transferred",
        summary="caller wants their balance",
    )

    stored = store.get(call_id)

    assert stored is not None
    assert stored.outcome == "transferred"
    assert stored.record["turns"] == turns
    assert stored.started_at.tzinfo is not None
    assert stored.to_json()["remote_party"] == "sip:+15551234567@127.0.0.1"


def test_saving_a_call_again_keeps_the_latest_record(store):
    call_id = f"test-{uuid.uuid4()}"
    store.save(
        call_id=call_id, direction="inbound", transport="file", dialog="bank", record={"turns": []}
    )
    store.save(
        call_id=call_id,
        direction="inbound",
        transport="file",
        dialog="bank",
        record={"turns": [1]},
        outcome="completed",
    )

    assert store.get(call_id).record == {"turns": [1]}
    assert store.get(call_id).outcome == "completed"


def test_recent_calls_come_newest_first_and_filter_by_outcome(store):
    now = datetime.now(UTC) + timedelta(
        days=3650
    )  # after anything earlier tests left in a shared database
    ids = [f"test-{uuid.uuid4()}" for _ in range(3)]
    for n, call_id in enumerate(ids):
        store.save(
            call_id=call_id,
            direction="outbound",
            transport="sip",
            dialog="appointment_reminder",
            record={},
            started_at=now + timedelta(seconds=n),
            outcome="confirmed" if n != 1 else "no_answer",
        )

    assert [c.id for c in store.recent(2)] == [ids[2], ids[1]]
    assert ids[1] not in [c.id for c in store.recent(10, outcome="confirmed")]


def test_an_unreachable_database_is_a_clear_error_without_the_password():
    with pytest.raises(StoreError) as info:
        CallStore("postgresql+psycopg://bot:secret@127.0.0.1:1/none?connect_timeout=2")
    assert "cannot open call store" in str(info.value)
    assert "secret" not in str(info.value)
