"""A throwaway PostgreSQL schema per test: created, handed out as a database URL, dropped."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def fresh_postgres_schema(base_url: str, prefix: str = "t") -> Iterator[str]:
    """Create a new schema on the base URL's database; yield the URL that selects it."""
    import psycopg

    base = base_url.split("?")[0]
    plain = base.replace("postgresql+psycopg://", "postgresql://")
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{base}?schema={schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
