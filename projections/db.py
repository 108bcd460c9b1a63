"""Database plumbing for the read models: engines, per-projection locks and row helpers."""

from __future__ import annotations

import functools
import threading
import zlib
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from projections.rows import driver, get_row, insert_row, update_row, upsert_row
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


@functools.cache
def _lock_statement(names: tuple[str, ...], schema: str | None) -> str:
    """One round trip taking the projections' advisory locks in key order (PostgreSQL
    evaluates a select list from left to right); the keys are whole numbers written in."""
    keys = sorted({lock_key(name, schema) for name in names})
    return "SELECT " + ", ".join(f"pg_advisory_xact_lock({int(key)})" for key in keys)


@contextmanager
def locked_transaction(engine: sa.Engine, name: str | Sequence[str],
                       schema: str | None) -> Iterator[sa.Connection]:
    """A transaction that holds the projection's lock (advisory on PostgreSQL, write on
    SQLite); given several names, every one of theirs (see locked_together)."""
    with locked_together(engine, [name] if isinstance(name, str) else name, schema) as conn:
        yield conn


@contextmanager
def locked_together(engine: sa.Engine, names: Sequence[str],
                    schema: str | None) -> Iterator[sa.Connection]:
    """One transaction that holds the locks of several projections at once.

    The locks are taken in one fixed order (by key), so two such transactions, or one and
    the single-projection transactions of a catch-up, never wait for each other in a circle.
    On SQLite BEGIN IMMEDIATE takes the database's write lock as well; the in-process locks
    keep this process's threads from spinning on it."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            sql = _lock_statement(tuple(names), schema)
            driver(conn, sql, lambda cursor: cursor.execute(sql))
            yield conn
        return
    with ExitStack() as stack:
        for name in sorted(set(names)):
            stack.enter_context(_process_lock(f"{engine.url}:{name}"))
        raw = stack.enter_context(engine.connect())
        conn = raw.execution_options(**{IMMEDIATE: True})
        with conn.begin():
            yield conn


# The row helpers live in projections.rows; re-exported for projections written against db.
__all__ = ["get_row", "insert_row", "locked_together", "locked_transaction", "make_engine",
           "update_row", "upsert_row"]
