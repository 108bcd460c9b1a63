"""One TRACKER_DATABASE_URL → the event store's settings and the read models' SQLAlchemy URL."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from tracker.config import ConfigError


@dataclass(frozen=True)
class Store:
    """Where the events and the read models live."""

    kind: str  # "sqlite" or "postgres"
    es_env: dict[str, str]
    sqlalchemy_url: URL
    schema: str | None = None
    lock_timeout: float = 30.0  # seconds a writer waits for a lock (SQLite busy timeout)


def parse_database_url(url: str, create_table: bool = True) -> Store:
    """Translate an SQLAlchemy URL (sqlite:///FILE or postgresql+psycopg://…[?schema=S])."""
    try:
        parsed = make_url(url)
    except ArgumentError as e:
        raise ConfigError(f"Cannot read the database URL {url!r}") from e
    create = "y" if create_table else "n"
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise ConfigError("An SQLite database must be a file (sqlite:///path/to/tracker.db)")
        timeout = parsed.query.get("timeout")  # sqlite:///file.db?timeout=5 (seconds)
        try:
            seconds = float(timeout) if isinstance(timeout, str) else None
        except ValueError:
            message = f"The SQLite timeout must be a number of seconds: {timeout!r}"
            raise ConfigError(message) from None
        return Store(
            kind="sqlite",
            es_env={
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": parsed.database,
                "SQLITE_LOCK_TIMEOUT": str(max(1, round(seconds if seconds is not None else 10))),
                "CREATE_TABLE": create,
            },
            sqlalchemy_url=parsed.difference_update_query(["timeout"]),
            lock_timeout=seconds if seconds is not None else 30.0,
        )
    if parsed.get_backend_name() == "postgresql":
        schema = parsed.query.get("schema")
        schema = schema if isinstance(schema, str) else None
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": parsed.database or "postgres",
            "POSTGRES_HOST": parsed.host or "127.0.0.1",
            "POSTGRES_PORT": str(parsed.port or 5432),
            "POSTGRES_USER": parsed.username or "postgres",
            "POSTGRES_PASSWORD": parsed.password or "",
            "POSTGRES_LOCK_TIMEOUT": "5",
            "POSTGRES_CONN_MAX_AGE": "",
            "POSTGRES_POOL_SIZE": "5",
            "POSTGRES_MAX_OVERFLOW": "10",
            "CREATE_TABLE": create,
        }
        if schema:
            env["POSTGRES_SCHEMA"] = schema
        sa_url = parsed.difference_update_query(["schema"]).set(drivername="postgresql+psycopg")
        return Store(kind="postgres", es_env=env, sqlalchemy_url=sa_url, schema=schema)
    raise ConfigError(
        f"Unsupported database {parsed.get_backend_name()!r} (use sqlite or postgresql)"
    )


def sql_engine(store: Store) -> sa.Engine:
    """An SQLAlchemy engine on the store's database (inside its schema on PostgreSQL)."""
    if store.kind == "postgres":
        args = {"options": f"-csearch_path={store.schema}"} if store.schema else {}
        return sa.create_engine(store.sqlalchemy_url, connect_args=args, pool_pre_ping=True)
    return sa.create_engine(store.sqlalchemy_url, connect_args={"timeout": store.lock_timeout})


def needs_event_tables(store: Store, events_table: str = "tracker_events") -> bool:
    """Whether this process should create the event store's tables.

    On PostgreSQL the library recreates a function on every start, and several processes
    starting at once fail with "tuple concurrently updated": once the tables exist, workers
    start with table creation off. On SQLite creating is cheap and local.
    """
    if store.kind != "postgres":
        return True
    engine = sql_engine(store)
    try:
        with engine.connect() as conn:
            found = conn.execute(sa.text("SELECT to_regclass(:t)"), {"t": events_table}).scalar()
    finally:
        engine.dispose()
    return found is None
