"""Row helpers for handlers: reused statements, and a per-transaction cache flushed in bulk.

Inside the engine's batch transaction, rows a handler reads, inserts or updates are kept in
memory and written at the end with one prepared driver statement per table and kind (COPY on
PostgreSQL); outside it each helper runs its statement at once. Handlers see the same rows
either way.

A rebuild (``replaying``) keeps one cache for the whole replay over emptied tables: nothing
is read back (a row not in the cache does not exist, unless the cache wrote and let it go,
see ``release``), rows only ever appended (``append_row``) and released rows are written in
large chunks as the replay goes, and the rest once at its end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect

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
        # Rows never read back nor changed (append_row), by table, written at the next flush.
        self.appended: dict[str, list[dict[str, Any]]] = {}
        self.appended_count = 0
        # A replay over emptied tables: every row is in this cache or in ``stored``.
        self.complete = False
        self.released: dict[Key, None] = {}  # rows the replay may write now and let go
        self.stored: dict[str, set[tuple[Any, ...]]] = {}  # keys of rows written and let go

    @property
    def pending(self) -> int:
        """How many rows a chunk write would take out of memory."""
        return self.appended_count + len(self.released)


def _cached(key: tuple[Any, ...], build: Any) -> Any:
    statement = _statements.get(key)
    if statement is None:
        statement = _statements[key] = build()
    return statement


_pks: dict[str, tuple[str, ...]] = {}
_columns: dict[str, tuple[str, ...]] = {}
_namesets: dict[str, frozenset[str]] = {}
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


def _nameset(table: sa.Table) -> frozenset[str]:
    names = _namesets.get(table.name)
    if names is None:
        names = _namesets[table.name] = frozenset(_names(table))
    return names


# The open caches by the connection object handed to the handlers (asked for on every row:
# quicker than the connection's info); another object on the same connection finds it there.
_open: dict[int, Buffer] = {}


def _buffer(conn: sa.Connection) -> Buffer | None:
    buffer = _open.get(id(conn))
    return buffer if buffer is not None else conn.info.get(BUFFER)


@contextmanager
def buffered(conn: sa.Connection) -> Iterator[Buffer]:
    """Cache rows for the rest of this transaction; call flush() before it commits."""
    buffer = conn.info[BUFFER] = _open[id(conn)] = Buffer()
    try:
        yield buffer
    finally:
        conn.info.pop(BUFFER, None)
        _open.pop(id(conn), None)


def flush(conn: sa.Connection, buffer: Buffer, pipelined: bool = False) -> None:
    """Write the new and changed rows, one prepared statement per table and kind.

    ``pipelined`` (a command's few rows): on PostgreSQL every statement goes in one round
    trip (psycopg's pipeline mode; executemany only, COPY has no place in a pipeline)."""
    if pipelined and conn.dialect.name == "postgresql":
        dbapi = conn.dialect.loaded_dbapi
        try:
            with conn.connection.driver_connection.pipeline():  # type: ignore[union-attr]
                _write(conn, buffer, buffer.new, buffer.dirty, copy=False)
        except dbapi.Error as e:  # a statement's error comes when the pipeline syncs
            raise sa.exc.DBAPIError.instance("pipelined writes", None, e, dbapi.Error) from e
    else:
        _write(conn, buffer, buffer.new, buffer.dirty)
    buffer.new.clear()
    buffer.dirty.clear()


def _write(conn: sa.Connection, buffer: Buffer, new: Iterable[Key], dirty: Iterable[Key],
           copy: bool = True) -> None:
    seen: dict[int, Any] = {}  # JSON values already encoded in this write (see _row_maker)
    for name, appended in buffer.appended.items():
        if appended:
            write_rows(conn, buffer.tables[name], appended, seen, copy)
    buffer.appended.clear()
    buffer.appended_count = 0
    for kind, keys in (("insert", new), ("update", dirty)):
        by_table: dict[str, list[dict[str, Any]]] = {}
        for key in keys:
            by_table.setdefault(key[0], []).append(buffer.rows[key])
        for name, rows in by_table.items():
            if kind == "insert":
                write_rows(conn, buffer.tables[name], rows, seen, copy)
            else:
                _update_rows(conn, buffer.tables[name], rows, seen)


@contextmanager
def replaying(conn: sa.Connection) -> Iterator[Buffer]:
    """One cache for a whole replay over emptied tables (see the module's note); call
    ``flush_released`` now and then and ``flush`` at the end."""
    with buffered(conn) as buffer:
        buffer.complete = True
        yield buffer


def flush_released(conn: sa.Connection, buffer: Buffer) -> None:
    """Mid-replay: write the appended and released rows and let them go (a released row is
    read back if a handler asks for it again)."""
    new = [k for k in buffer.released if k in buffer.new]
    dirty = [k for k in buffer.released if k in buffer.dirty]
    _write(conn, buffer, new, dirty)
    for key in buffer.released:
        buffer.new.pop(key, None)
        buffer.dirty.pop(key, None)
        if buffer.rows.pop(key, None) is not None:
            buffer.stored.setdefault(key[0], set()).add(key[1])
    buffer.released.clear()


def complete(conn: sa.Connection) -> bool:
    """Whether this transaction replays over emptied tables (nothing to read back)."""
    buffer = _buffer(conn)
    return buffer is not None and buffer.complete


# -- prepared driver statements ------------------------------------------------------------

Prepared = tuple[str, tuple[str, ...], Callable[[dict[str, Any], dict[int, Any]], tuple[Any, ...]]]
_prepared: dict[tuple[Any, ...], Prepared] = {}
COPY_FROM = 50  # rows from which PostgreSQL gets a COPY rather than an executemany


def _prepare(conn: sa.Connection, table: sa.Table, kind: str) -> Prepared:
    """The driver's SQL for the table, its columns in order, and each column's bind
    processor for this dialect (what SQLAlchemy itself would apply)."""
    dialect = conn.dialect
    key = (dialect.name, table.name, kind)
    found = _prepared.get(key)
    if found is not None:
        return found
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    pk = _pk(table)
    names = _names(table) if kind == "insert" else (
        *(n for n in _names(table) if n not in pk), *pk)
    columns = [table.c[n] for n in names]
    target = dialect.identifier_preparer.format_table(table)
    if kind == "insert":
        sql = (f"INSERT INTO {target} ({', '.join(quote(n) for n in names)}) "
               f"VALUES ({', '.join(mark for _ in names)})")
    elif kind == "copy":
        sql = f"COPY {target} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    else:
        sets = ", ".join(f"{quote(n)} = {mark}" for n in names[:len(names) - len(pk)])
        sql = (f"UPDATE {target} SET {sets} WHERE "
               + " AND ".join(f"{quote(n)} = {mark}" for n in pk))
    found = _prepared[key] = (sql, names, _row_maker(columns, dialect))
    return found


def _row_maker(columns: list[sa.Column[Any]],
               dialect: sa.Dialect) -> Callable[[dict[str, Any], dict[int, Any]], tuple[Any, ...]]:
    """A function from a row dict to the driver's tuple, each value through its column's
    bind processor; a JSON value met before in the same write (the same object: an event's
    data in its history, audit and inbox rows) is encoded once (``seen``: id -> (value, out))."""
    scope: dict[str, Any] = {}
    parts = []
    for n, column in enumerate(columns):
        processor = _quick.get((dialect.name, column.type._type_affinity))
        processor = processor or column.type._cached_bind_processor(dialect)
        value = f"row[{column.name!r}]"
        if processor is None:
            parts.append(value)
        elif processor is _sqlite_date:  # inline: the replay writes ten dates a version
            scope[f"p{n}"], scope["date"] = processor, date
            parts.append(f"(v{n}.isoformat() if type(v{n} := {value}) is date else p{n}(v{n}))")
        elif isinstance(column.type, sa.JSON):
            scope[f"p{n}"] = _once(processor)
            parts.append(f"p{n}({value}, seen)")
        else:
            scope[f"p{n}"] = processor
            parts.append(f"p{n}({value})")
    source = f"def make(row, seen):\n    return ({', '.join(parts)},)\n"
    exec(compile(source, f"<row maker {columns[0].table.name}>", "exec"), scope)  # noqa: S102
    return scope["make"]  # type: ignore[no-any-return]


def _sqlite_date(value: Any) -> Any:
    # What SQLAlchemy's SQLite DATE writes ('%04d-%02d-%02d'), without its formatting dict.
    return value.isoformat() if type(value) is date else _SQLITE_DATE(value)


def _sqlite_datetime(value: Any) -> Any:
    # SQLAlchemy's SQLite DATETIME: 'YYYY-MM-DD HH:MM:SS.ffffff', the zone left out.
    if type(value) is datetime and value.tzinfo is None:
        return value.isoformat(" ", "microseconds")
    return _SQLITE_DATETIME(value)


_SQLITE_DATE = sa.Date().dialect_impl(sqlite_dialect()).bind_processor(sqlite_dialect())
_SQLITE_DATETIME = sa.DateTime().dialect_impl(sqlite_dialect()).bind_processor(sqlite_dialect())
_quick: dict[tuple[str, type], Callable[[Any], Any]] = {
    ("sqlite", sa.Date): _sqlite_date, ("sqlite", sa.DateTime): _sqlite_datetime}


def _once(processor: Callable[[Any], Any]) -> Callable[[Any, dict[int, Any]], Any]:
    def process(value: Any, seen: dict[int, Any]) -> Any:
        if value is None or type(value) not in (dict, list):
            return processor(value)
        known = seen.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        out = processor(value)
        seen[id(value)] = (value, out)
        return out
    return process


def _tuples(prepared: Prepared, rows: list[dict[str, Any]],
            seen: dict[int, Any] | None = None) -> list[tuple[Any, ...]]:
    make = prepared[2]
    seen = {} if seen is None else seen
    return [make(row, seen) for row in rows]


def driver(conn: sa.Connection, sql: str, run: Callable[[Any], None]) -> None:
    """Run ``run(cursor)`` on the transaction's own driver connection; a driver error is
    raised as SQLAlchemy's (an IntegrityError stays an IntegrityError)."""
    dbapi = conn.dialect.loaded_dbapi
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        run(cursor)
    except dbapi.Error as e:
        raise sa.exc.DBAPIError.instance(sql, None, e, dbapi.Error) from e
    finally:
        cursor.close()


def write_rows(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]],
               seen: dict[int, Any] | None = None, copy: bool = True) -> None:
    """Insert rows (dicts holding every column) through the driver: executemany of tuples,
    or COPY on PostgreSQL for more than a few (unless not ``copy``)."""
    if not rows:
        return
    if copy and conn.dialect.name == "postgresql" and len(rows) >= COPY_FROM:
        prepared = _prepare(conn, table, "copy")
        values = _tuples(prepared, rows, seen)

        def copy_in(cursor: Any) -> None:
            with cursor.copy(prepared[0]) as target:
                for value in values:
                    target.write_row(value)

        driver(conn, prepared[0], copy_in)
        return
    prepared = _prepare(conn, table, "insert")
    values = _tuples(prepared, rows, seen)
    driver(conn, prepared[0], lambda cursor: cursor.executemany(prepared[0], values))


def _update_rows(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]],
                 seen: dict[int, Any] | None = None) -> None:
    """Rewrite every column of existing rows (by primary key) through the driver."""
    prepared = _prepare(conn, table, "update")
    values = _tuples(prepared, rows, seen)
    driver(conn, prepared[0], lambda cursor: cursor.executemany(prepared[0], values))


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
    if buffer is None or buffer.complete:
        return
    pk = _pk(table)
    covered = buffer.covered.setdefault(table.name, set())
    wanted = [v for v in dict.fromkeys(values) if v not in covered]
    if not wanted:
        return
    buffer.tables[table.name] = table
    for start in range(0, len(wanted), CHUNK):
        part = wanted[start:start + CHUNK]
        for row in _read_many(conn, table, part):
            ident = (table.name, tuple(row[k] for k in pk))
            if ident not in buffer.rows:  # a row this batch already holds is newer
                buffer.rows[ident] = dict(row)
        covered.update(part)


Reader = tuple[str, str, tuple[str, ...], tuple[tuple[int, Callable[[Any], Any]], ...]]
_readers: dict[tuple[str, str], Reader] = {}


def _reader(conn: sa.Connection, table: sa.Table) -> Reader:
    """The driver's SQL reading a table's rows up to its condition on the first primary-key
    column, the parameter mark, the columns in order, and the columns whose driver values
    need converting (by the column's own SQLAlchemy result processor for this dialect)."""
    dialect = conn.dialect
    key = (dialect.name, table.name)
    found = _readers.get(key)
    if found is None:
        quote = dialect.identifier_preparer.quote
        names = _names(table)
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        sql = (f"SELECT {', '.join(quote(n) for n in names)} FROM "
               f"{dialect.identifier_preparer.format_table(table)} "
               f"WHERE {quote(_pk(table)[0])}")
        converters = []
        for n, name in enumerate(names):
            convert = result_converter(table.c[name], dialect)
            if convert is not None:
                converters.append((n, convert))
        found = _readers[key] = (sql, mark, names, tuple(converters))
    return found


def result_converter(column: sa.ColumnElement[Any],
                     dialect: sa.Dialect) -> Callable[[Any], Any] | None:
    """What SQLAlchemy applies to the driver's value of the column for this dialect (None:
    the value as the driver gives it): for rows read straight from the driver."""
    return column.type.dialect_impl(dialect).result_processor(dialect, None)  # type: ignore[no-any-return]


def _read_many(conn: sa.Connection, table: sa.Table, values: list[Any]) -> list[dict[str, Any]]:
    """The rows whose first primary-key column is one of values (at most CHUNK), read
    through the driver."""
    prefix, mark, names, converters = _reader(conn, table)
    sql = (f"{prefix} = {mark}" if len(values) == 1
           else f"{prefix} IN ({', '.join(mark for _ in values)})")
    found: list[Any] = []

    def run(cursor: Any) -> None:
        cursor.execute(sql, tuple(values))
        found.extend(cursor.fetchall())

    driver(conn, sql, run)
    return _as_rows(names, converters, found)


def _as_rows(names: tuple[str, ...], converters: tuple[tuple[int, Callable[[Any], Any]], ...],
             found: Iterable[Any]) -> list[dict[str, Any]]:
    """The driver's tuples as row dicts, the values SQLAlchemy converts converted."""
    rows = []
    for values in found:
        row = dict(zip(names, values, strict=True))
        for n, convert in converters:
            name = names[n]
            row[name] = convert(row[name])
        rows.append(row)
    return rows


class Compiled:
    """A statement (no expanding parameters) compiled once for a dialect, to run on the
    driver: its SQL, its parameters in the driver's order with their bind processors and
    the defaults written into it, and its result columns with their converters."""

    def __init__(self, statement: Any, dialect: sa.Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = str(compiled)
        self.defaults = {name: bind.effective_value for name, bind in compiled.binds.items()
                         if not bind.required}
        processors = compiled._bind_processors  # noqa: SLF001 — what SQLAlchemy itself applies
        names = compiled.positiontup if compiled.positional else list(compiled.binds)
        self.positional = bool(compiled.positional)
        self.params = tuple((n, processors.get(n)) for n in names or ())
        columns = list(statement.selected_columns) if hasattr(statement, "selected_columns") \
            and not isinstance(statement, sa.Update) else []
        self.names = tuple(c.key for c in columns)
        self.converters = tuple((n, convert) for n, c in enumerate(columns)
                                if (convert := result_converter(c, dialect)) is not None)

    def bind(self, values: dict[str, Any]) -> Any:
        """The driver's parameters for these values (the rest as written in the statement)."""
        params = []
        for name, process in self.params:
            value = values[name] if name in values else self.defaults[name]
            params.append(process(value) if process is not None else value)
        return tuple(params) if self.positional else dict(zip(
            (n for n, _ in self.params), params, strict=True))

    def rows(self, found: Iterable[Any]) -> list[dict[str, Any]]:
        return _as_rows(self.names, self.converters, found)


_compiled: dict[tuple[str, Any], Compiled] = {}


def compiled(conn: sa.Connection, statement: Any) -> Compiled:
    """The statement compiled for the connection's dialect, once per process."""
    key = (conn.dialect.name, statement)
    found = _compiled.get(key)
    if found is None:
        found = _compiled[key] = Compiled(statement, conn.dialect)
    return found


def run(conn: sa.Connection, statement: Any, values: dict[str, Any] | None = None,
        many: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Run a module-level statement on the transaction's driver connection (compiled once:
    SQLAlchemy's per-execution work costs more than a command's small queries): the rows a
    SELECT gives, as dicts; ``many``: one execution per dict of values."""
    prepared = compiled(conn, statement)
    found: list[Any] = []

    def execute(cursor: Any) -> None:
        if many is not None:
            if many:
                cursor.executemany(prepared.sql, [prepared.bind(v) for v in many])
            return
        cursor.execute(prepared.sql, prepared.bind(values or {}))
        if prepared.names:
            found.extend(cursor.fetchall())

    driver(conn, prepared.sql, execute)
    return prepared.rows(found)


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
        if buffer.complete:
            if ident[1] not in buffer.stored.get(table.name, ()):
                return None
        elif ident[1][0] in buffer.covered.get(table.name, ()):
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
    full = dict(row) if row.keys() == _nameset(table) else {c: row.get(c) for c in _names(table)}
    ident = (table.name, tuple(full[k] for k in _pk(table)))
    if ident in buffer.rows:
        raise sa.exc.IntegrityError("duplicate row in batch", ident, Exception(table.name))
    buffer.rows[ident], buffer.tables[table.name] = full, table
    buffer.new[ident] = None


def append_row(conn: sa.Connection, table: sa.Table, row: dict[str, Any]) -> None:
    """Insert a row that no handler reads back or changes (a log line: history, audit …):
    kept apart from the cache, so a replay writes it with the next chunk and forgets it."""
    buffer = _buffer(conn)
    if buffer is None:
        conn.execute(_cached(("insert", table.name), table.insert), row)
        return
    rows = buffer.appended.get(table.name)
    if rows is None:
        rows = buffer.appended[table.name] = []
        buffer.tables[table.name] = table
    rows.append(row if row.keys() == _nameset(table) else {c: row.get(c) for c in _names(table)})
    buffer.appended_count += 1


def release(conn: sa.Connection, table: sa.Table, **key: Any) -> None:
    """The row will seldom change again: a replay may write it with the next chunk and let it
    go (it is read back should a handler ask for it); elsewhere nothing happens."""
    buffer = _buffer(conn)
    if buffer is not None and buffer.complete:
        buffer.released[(table.name, tuple(key[k] for k in _pk(table)))] = None


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
    ident = (table.name, tuple(key[k] for k in _pk(table)))
    if ident not in buffer.rows and get_row(conn, table, **key) is None:
        return 0
    buffer.rows[ident].update(values)
    if ident not in buffer.new:
        buffer.dirty[ident] = None
    return 1


def upsert_row(conn: sa.Connection, table: sa.Table, row: dict[str, Any], *keys: str) -> None:
    """Replace the row with the primary key `keys`, or insert it."""
    key = {k: row[k] for k in keys}
    if not update_row(conn, table, {k: v for k, v in row.items() if k not in key}, **key):
        insert_row(conn, table, row)
