"""Call records on SQLAlchemy: SQLite by default, PostgreSQL (`postgresql+psycopg://...`) for several nodes."""

from voicebot.store.calls import CallStore, StoredCall, StoreError

__all__ = ["CallStore", "StoredCall", "StoreError"]
