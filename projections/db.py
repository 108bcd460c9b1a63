"""Database plumbing for the read models: engines, per-projection locks and row helpers."""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from projections.rows import get_row, insert_row, update_row, upsert_row
from tracker.storage import Store, sql_engine

IMMEDIATE = "tracker_immediate"
_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()


def make_engine(store: Store) -> sa.Engine:
    """An engine on the event store's database; SQLite writers take the lock at BEGIN."""
    engine = sql_engine(store)
    if store.kind == "postgres":

        @event.listens_for(engine, "connect")
        def _pg_connect(dbapi_conn: Any, _record: Any) -> None:
            # Rebuildable rows with their tracking position in the same commit: see below.
            with dbapi_conn.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
            dbapi_conn.commit()

        return engine

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's begin event emit BEGIN itself
        dbapi_conn.execute(f"PRAGMA busy_timeout = {int(store.lock_timeout * 1000)}")
        # Read models can always be rebuilt from the events, and each commit carries its own
        # tracking position: after a power cut they resume from where their data stops, so
        # they need not wait for the disk on every commit (the event store still does).
        dbapi_conn.execute("PRAGMA synchronous = NORMAL")

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        immediate = conn.get_execution_options().get(IMMEDIATE)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def lock_key(name: str, schema: str | None) -> int:
    """A stable signed 64-bit advisory lock key for a projection in a schema."""
    high = zlib.crc32(f"tracker-rm:{schema or ''}".encode())
    low = zlib.crc32(name.encode())
    value = (high << 32) | low
    return value - (1 << 64) if value >= 1 << 63 else value


def _process_lock(key: str) -> threading.Lock:
    with _process_locks_guard:
        return _process_locks.setdefault(key, threading.Lock())


@contextmanager
def locked_transaction(engine: sa.Engine, name: str | Sequence[str],
                       schema: str | None) -> Iterator[sa.Connection]:
    """A transaction that holds the projection's lock (advisory on PostgreSQL, write on
    SQLite); given several names, every one of theirs (always taken in the same order)."""
    names = sorted({name} if isinstance(name, str) else set(name))
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for each in names:
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"),
                             {"k": lock_key(each, schema)})
            yield conn
        return
    with ExitStack() as held:
        for each in names:
            held.enter_context(_process_lock(f"{engine.url}:{each}"))
        with engine.connect() as raw:
            conn = raw.execution_options(**{IMMEDIATE: True})
            with conn.begin():
                yield conn


# The row helpers live in projections.rows; re-exported for projections written against db.
__all__ = ["get_row", "insert_row", "locked_transaction", "make_engine", "update_row", "upsert_row"]
