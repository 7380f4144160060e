"""Tables. Turns are kept as JSON beside the call: they are read whole, never queried one by one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class CallRow(Base):
    __tablename__ = "calls"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    direction: Mapped[str] = mapped_column(String(16))  # inbound | outbound
    transport: Mapped[str] = mapped_column(String(16))  # sip | webrtc | file
    dialog: Mapped[str] = mapped_column(String(128))
    remote_party: Mapped[str] = mapped_column(String(256), default="")
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    duration_s: Mapped[float] = mapped_column(Float, default=0.0)
    outcome: Mapped[str] = mapped_column(String(64), default="", index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    record: Mapped[dict] = mapped_column(
        JSON
    )  # the engine's CallRecord as JSON: turns, latencies, slots
