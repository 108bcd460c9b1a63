"""The audit trail read for export: rows straight from the driver, shaped as export records.

``Queries.audit`` reads through SQLAlchemy's result rows, which convert every column and
build a row object and then a dict per record; an export of the whole trail spent a quarter
of its time there. This reads the same rows with one prepared SQL string through the driver's
cursor, a batch at a time (keyset paging: memory stays flat and no transaction is held
between batches), converting only the two columns the driver gives raw (the time and, on
SQLite, the JSON text) with those columns' own SQLAlchemy converters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from projections import tables as t
from projections.pastviews import naive_utc
from tracker.auditexport import export_timestamp

Converter = Callable[[Any], Any] | None
COLUMNS = "seq, at, actor, aggregate_type, aggregate_id, event_type, version, data"
EQUAL = (("plan", "plan_key"), ("item", "aggregate_id"), ("actor", "actor"),
         ("event_type", "event_type"))


def _select(dialect: sa.Dialect, filters: dict[str, Any]) -> tuple[str, dict[str, Any]]:
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
    sql = (f"SELECT {COLUMNS} FROM {t.audit.name} WHERE {' AND '.join(where)} "
           f"ORDER BY seq LIMIT {mark('limit')}")
    return sql, params


def export_records(engine: sa.Engine, batch: int, *, plan: str | None = None,
                   item: object = None, actor: str | None = None,
                   event_type: str | None = None, since: datetime | None = None,
                   until: datetime | None = None,
                   after_seq: int = 0) -> Iterator[dict[str, Any]]:
    """Every matching audit row after a seq, in notification order, as the record the export
    chains (what ``export_record`` makes of ``Queries.audit``'s rows, byte for byte)."""
    dialect = engine.dialect
    sql, params = _select(dialect, {"plan": plan, "item": item, "actor": actor,
                                    "event_type": event_type, "since": since, "until": until})
    to_time: Converter = t.audit.c.at.type.dialect_impl(dialect).result_processor(dialect, None)
    to_data: Converter = t.audit.c.data.type.dialect_impl(dialect).result_processor(
        dialect, None)
    after = after_seq
    while True:
        with engine.connect() as conn:
            cursor = conn.connection.cursor()
            try:
                cursor.execute(sql, {**params, "after": after, "limit": batch})
                rows = cursor.fetchall()
            finally:
                cursor.close()
        for seq, at, actor_, aggregate_type, aggregate_id, event_type_, version, data in rows:
            yield {"seq": seq,
                   "timestamp": export_timestamp(
                       (to_time(at) if to_time else at).replace(tzinfo=UTC)),
                   "actor": actor_, "aggregate_type": aggregate_type,
                   "aggregate_id": aggregate_id, "event_type": event_type_, "version": version,
                   "data": to_data(data) if to_data else data}
        if len(rows) < batch:
            return
        after = rows[-1][0]
