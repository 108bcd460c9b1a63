"""Row helpers for handlers: reused statements, and a per-transaction cache flushed in bulk.

Inside the engine's batch transaction, rows a handler reads, inserts or updates are kept in
memory and written at the end with one executemany per table and kind; outside it (the "as
of" replay) each helper runs its statement at once. Handlers see the same rows either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

BUFFER = "tracker_rm_buffer"
Key = tuple[str, tuple[Any, ...]]
_statements: dict[tuple[Any, ...], Any] = {}


class Buffer:
    """Rows of one transaction by (table, primary key), with what must be written."""

    def __init__(self) -> None:
        self.rows: dict[Key, dict[str, Any]] = {}
        self.tables: dict[str, sa.Table] = {}
        self.new: dict[Key, None] = {}
        self.dirty: dict[Key, None] = {}
        self.memo: dict[Any, Any] = {}
        # Per table: first primary-key values whose rows were all loaded by preload().
        self.covered: dict[str, set[Any]] = {}


def _cached(key: tuple[Any, ...], build: Any) -> Any:
    statement = _statements.get(key)
    if statement is None:
        statement = _statements[key] = build()
    return statement


_pks: dict[str, tuple[str, ...]] = {}
_columns: dict[str, tuple[str, ...]] = {}
CHUNK = 500


def _pk(table: sa.Table) -> tuple[str, ...]:
    pk = _pks.get(table.name)
    if pk is None:
        pk = _pks[table.name] = tuple(c.name for c in table.primary_key.columns)
    return pk


def _names(table: sa.Table) -> tuple[str, ...]:
    names = _columns.get(table.name)
    if names is None:
        names = _columns[table.name] = tuple(c.name for c in table.columns)
    return names


def _buffer(conn: sa.Connection) -> Buffer | None:
    return conn.info.get(BUFFER)


@contextmanager
def buffered(conn: sa.Connection) -> Iterator[Buffer]:
    """Cache rows for the rest of this transaction; call flush() before it commits."""
    buffer = conn.info[BUFFER] = Buffer()
    try:
        yield buffer
    finally:
        conn.info.pop(BUFFER, None)


def flush(conn: sa.Connection, buffer: Buffer) -> None:
    """Write the new and changed rows, one executemany per table."""
    for kind, keys in (("insert", buffer.new), ("update", buffer.dirty)):
        by_table: dict[str, list[dict[str, Any]]] = {}
        for key in keys:
            by_table.setdefault(key[0], []).append(buffer.rows[key])
        for name, rows in by_table.items():
            table = buffer.tables[name]
            if kind == "insert":
                conn.execute(_cached(("insert", name), table.insert), rows)
                continue
            pk = _pk(table)
            columns = tuple(sorted(c.name for c in table.columns if c.name not in pk))
            statement = _update_statement(table, pk, columns)
            conn.execute(statement, [{**{c: r[c] for c in columns},
                                      **{f"k_{k}": r[k] for k in pk}} for r in rows])
    buffer.new.clear()
    buffer.dirty.clear()


def memo(conn: sa.Connection) -> dict[Any, Any]:
    """A scratch dict for this transaction (empty and throwaway outside one)."""
    buffer = _buffer(conn)
    return buffer.memo if buffer is not None else {}


def _update_statement(table: sa.Table, pk: tuple[str, ...], columns: tuple[str, ...]) -> Any:
    return _cached(("update", table.name, pk, columns), lambda: table.update().where(
        *[table.c[k] == sa.bindparam(f"k_{k}") for k in pk]).values(
        {c: sa.bindparam(c) for c in columns}))


def _select(conn: sa.Connection, table: sa.Table, key: dict[str, Any]) -> dict[str, Any] | None:
    names = tuple(key)
    statement = _cached(("get", table.name, names), lambda: sa.select(table).where(
        *[table.c[k] == sa.bindparam(f"k_{k}") for k in names]))
    row = conn.execute(statement, {f"k_{k}": v for k, v in key.items()}).mappings().first()
    return dict(row) if row is not None else None


def preload(conn: sa.Connection, table: sa.Table, values: Iterable[Any]) -> None:
    """Read, a chunk per query, every row whose first primary-key column is in values, so
    get_row needs no query for them (a row not found is known to be missing)."""
    buffer = _buffer(conn)
    if buffer is None:
        return
    pk = _pk(table)
    covered = buffer.covered.setdefault(table.name, set())
    wanted = [v for v in dict.fromkeys(values) if v not in covered]
    if not wanted:
        return
    buffer.tables[table.name] = table
    statement = _cached(("preload", table.name), lambda: sa.select(table).where(
        table.c[pk[0]].in_(sa.bindparam("values", expanding=True))))
    for start in range(0, len(wanted), CHUNK):
        part = wanted[start:start + CHUNK]
        for row in conn.execute(statement, {"values": part}).mappings():
            ident = (table.name, tuple(row[k] for k in pk))
            if ident not in buffer.rows:  # a row this batch already holds is newer
                buffer.rows[ident] = dict(row)
        covered.update(part)


def seed(conn: sa.Connection, table: sa.Table, rows: Iterable[dict[str, Any]]) -> None:
    """Keep rows read by a query of the handler's own in the transaction's cache (other rows
    with the same first key column are still read when asked for)."""
    buffer = _buffer(conn)
    if buffer is None:
        return
    buffer.tables[table.name] = table
    pk = _pk(table)
    for row in rows:
        ident = (table.name, tuple(row[k] for k in pk))
        if ident not in buffer.rows:
            buffer.rows[ident] = dict(row)


def get_row(conn: sa.Connection, table: sa.Table, **key: Any) -> dict[str, Any] | None:
    """The row with this primary key, as a dict (a copy), or None."""
    buffer = _buffer(conn)
    if buffer is None:
        return _select(conn, table, key)
    ident = (table.name, tuple(key[k] for k in _pk(table)))
    if ident not in buffer.rows:
        if ident[1][0] in buffer.covered.get(table.name, ()):
            return None
        row = _select(conn, table, key)
        if row is None:
            return None
        buffer.rows[ident], buffer.tables[table.name] = row, table
    return dict(buffer.rows[ident])


def insert_row(conn: sa.Connection, table: sa.Table, row: dict[str, Any]) -> None:
    """Insert one row (every column given)."""
    buffer = _buffer(conn)
    if buffer is None:
        conn.execute(_cached(("insert", table.name), table.insert), row)
        return
    full = {c: row.get(c) for c in _names(table)}
    ident = (table.name, tuple(full[k] for k in _pk(table)))
    if ident in buffer.rows:
        raise sa.exc.IntegrityError("duplicate row in batch", ident, Exception(table.name))
    buffer.rows[ident], buffer.tables[table.name] = full, table
    buffer.new[ident] = None


def update_row(conn: sa.Connection, table: sa.Table, values: dict[str, Any], **key: Any) -> int:
    """Update the row with this primary key; how many rows changed."""
    if not values:
        return 0
    buffer = _buffer(conn)
    if buffer is None:
        columns = tuple(sorted(values))
        statement = _update_statement(table, tuple(key), columns)
        params = {**values, **{f"k_{k}": v for k, v in key.items()}}
        return int(conn.execute(statement, params).rowcount)
    if get_row(conn, table, **key) is None:
        return 0
    ident = (table.name, tuple(key[k] for k in _pk(table)))
    buffer.rows[ident].update(values)
    if ident not in buffer.new:
        buffer.dirty[ident] = None
    return 1


def upsert_row(conn: sa.Connection, table: sa.Table, row: dict[str, Any], *keys: str) -> None:
    """Replace the row with the primary key `keys`, or insert it."""
    key = {k: row[k] for k in keys}
    if not update_row(conn, table, {k: v for k, v in row.items() if k not in key}, **key):
        insert_row(conn, table, row)
