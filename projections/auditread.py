"""The audit trail read for export: rows straight from the driver, shaped as export records.

``Queries.audit`` reads through SQLAlchemy's result rows, which convert every column and
build a row object and then a dict per record; an export of the whole trail spent a quarter
of its time there. This reads the same rows with one prepared SQL string through the driver's
cursor, a batch at a time (keyset paging: memory stays flat and no transaction is held
between batches), converting only the columns the driver gives raw (the time and, on SQLite,
the JSON text) with those columns' own SQLAlchemy converters. The JSON Lines export reads
data as stored, its canonical text, and decodes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from projections import tables as t
from projections.pastviews import naive_utc
from projections.rows import result_converter
from tracker.auditexport import export_members, export_timestamp

Converter = Callable[[Any], Any] | None
ROW = ("seq", "at", "actor", "aggregate_type", "aggregate_id", "event_type", "version")
EQUAL = (("plan", "plan_key"), ("item", "aggregate_id"), ("actor", "actor"),
         ("event_type", "event_type"))


def _select(dialect: sa.Dialect, columns: Sequence[str],
            filters: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The batch query for the filters given and their parameters (a batch adds its ``after``
    and ``limit``), in the driver's own parameter style."""

    def mark(name: str) -> str:
        return f"%({name})s" if dialect.paramstyle == "pyformat" else f":{name}"

    bind: Converter = t.audit.c.at.type.dialect_impl(dialect).bind_processor(dialect)
    where, params = [f"seq > {mark('after')}"], {}
    for name, column in EQUAL:
        if filters.get(name) is not None:
            where.append(f"{column} = {mark(name)}")
            params[name] = str(filters[name]) if name == "item" else filters[name]
    for name, op in (("since", ">="), ("until", "<=")):
        moment: datetime | None = filters.get(name)
        if moment is not None:
            where.append(f"at {op} {mark(name)}")
            params[name] = bind(naive_utc(moment)) if bind else naive_utc(moment)
    sql = (f"SELECT {', '.join(columns)} FROM {t.audit.name} WHERE {' AND '.join(where)} "
           f"ORDER BY seq LIMIT {mark('limit')}")
    return sql, params


def _rows(engine: sa.Engine, batch: int, columns: Sequence[str], after_seq: int = 0,
          **filters: Any) -> Iterator[Sequence[Any]]:
    """The matching rows after a seq (the first column), as the driver gives them, a batch
    at a time."""
    sql, params = _select(engine.dialect, columns, filters)
    after = after_seq
    while True:
        with engine.connect() as conn:
            cursor = conn.connection.cursor()
            try:
                cursor.execute(sql, {**params, "after": after, "limit": batch})
                rows = cursor.fetchall()
            finally:
                cursor.close()
        yield rows
        if len(rows) < batch:
            return
        after = rows[-1][0]


def _converter(column: sa.Column[Any], dialect: sa.Dialect) -> Callable[[Any], Any]:
    """The column's own result converter for the dialect (none: the value as given)."""
    return result_converter(column, dialect) or (lambda value: value)


def read_records(engine: sa.Engine, batch: int, **filters: Any) -> Iterator[dict[str, Any]]:
    """Every matching audit row (filters as Queries.audit takes them) in notification order,
    as the record the export chains: what ``export_record`` makes of ``Queries.audit``'s."""
    to_time, to_data = (_converter(t.audit.c.at, engine.dialect),
                        _converter(t.audit.c.data, engine.dialect))
    for rows in _rows(engine, batch, (*ROW, "data"), **filters):
        for seq, at, actor, aggregate_type, aggregate_id, event_type, version, data in rows:
            yield {"seq": seq, "timestamp": export_timestamp(to_time(at)),
                   "actor": actor, "aggregate_type": aggregate_type,
                   "aggregate_id": aggregate_id, "event_type": event_type, "version": version,
                   "data": to_data(data)}


def read_members(engine: sa.Engine, batch: int, **filters: Any) -> Iterator[dict[str, str]]:
    """The same records as read_records, each as its members' canonical texts (data's as
    kept): what the JSON Lines export writes."""
    to_time = _converter(t.audit.c.at, engine.dialect)
    for rows in _rows(engine, batch, (*ROW, "data"), **filters):  # data: its canonical text
        for seq, at, actor, aggregate_type, aggregate_id, event_type, version, data in rows:
            yield export_members(seq, to_time(at), actor, aggregate_type, aggregate_id,
                                 event_type, version, data)
