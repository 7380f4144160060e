"""Save and read call records. Blocking SQLAlchemy calls: async callers run them in a thread."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from voicebot.store.schema import Base, CallRow


class StoreError(RuntimeError):
    """The database refused or could not be reached; the message names the URL without its password."""


@dataclass(frozen=True)
class StoredCall:
    id: str
    direction: str
    transport: str
    dialog: str
    remote_party: str
    started_at: datetime
    duration_s: float
    outcome: str
    summary: str
    record: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "direction": self.direction,
            "transport": self.transport,
            "dialog": self.dialog,
            "remote_party": self.remote_party,
            "started_at": self.started_at.isoformat(),
            "duration_s": self.duration_s,
            "outcome": self.outcome,
            "summary": self.summary,
            "record": dict(self.record),
        }


class CallStore:
    def __init__(self, url: str) -> None:
        self._engine: Engine = create_engine(url, pool_pre_ping=True)
        self._safe_url = self._engine.url.render_as_string(hide_password=True)
        try:
            Base.metadata.create_all(self._engine)
        except SQLAlchemyError as exc:
            raise StoreError(
                f"cannot open call store {self._safe_url}: {exc.__class__.__name__}: {exc}"
            ) from exc

    def save(
        self,
        *,
        call_id: str,
        direction: str,
        transport: str,
        dialog: str,
        record: Mapping[str, Any],
        remote_party: str = "",
        started_at: datetime | None = None,
        duration_s: float = 0.0,
        outcome: str = "",
        summary: str = "",
    ) -> None:
        row = CallRow(
            id=call_id,
            direction=direction,
            transport=transport,
            dialog=dialog,
            remote_party=remote_party,
            started_at=started_at or datetime.now(UTC),
            duration_s=duration_s,
            outcome=outcome,
            summary=summary,
            record=dict(record),
        )
        try:
            with Session(self._engine) as session, session.begin():
                session.merge(
                    row
                )  # a call saved twice (e.g. after a transfer) keeps its latest record
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot save call {call_id} to {self._safe_url}: {exc}") from exc

    def get(self, call_id: str) -> StoredCall | None:
        with Session(self._engine) as session:
            row = session.get(CallRow, call_id)
            return _to_stored(row) if row else None

    def recent(self, limit: int = 50, *, outcome: str | None = None) -> list[StoredCall]:
        query = select(CallRow).order_by(CallRow.started_at.desc()).limit(limit)
        if outcome:
            query = query.where(CallRow.outcome == outcome)
        with Session(self._engine) as session:
            return [_to_stored(row) for row in session.scalars(query)]

    def close(self) -> None:
        self._engine.dispose()


def _to_stored(row: CallRow) -> StoredCall:
    # SQLite drops tz
    started = row.started_at if row.started_at.tzinfo else row.started_at.replace(tzinfo=UTC)
    return StoredCall(
        id=row.id,
        direction=row.direction,
        transport=row.transport,
        dialog=row.dialog,
        remote_party=row.remote_party,
        started_at=started,
        duration_s=row.duration_s,
        outcome=row.outcome,
        summary=row.summary,
        record=row.record,
    )
