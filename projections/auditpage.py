"""The audit trail as pages of a table: filtered, sorted by a column, paged both ways by a
cursor (the sequence number of a row on the page), with the total that matches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from projections import tables as t
from projections.events import as_utc
from projections.pastviews import naive_utc

Row = dict[str, Any]


@dataclass(frozen=True)
class AuditSort:
    """The order of the table: by sequence (notification order), or by a column's rank (its
    values ranked by what the reader sees, e.g. actors by name), then by sequence."""

    column: str | None = None  # None: by sequence; else "actor" or "event_type"
    ranks: Mapping[str, int] = field(default_factory=dict)
    descending: bool = False


@dataclass
class AuditPage:
    """One page of rows, whether there are rows before and after it, and the total."""

    rows: list[Row]
    has_prev: bool
    has_next: bool
    total: int


def _filtered(query: sa.Select[Any], filters: Mapping[str, Any]) -> sa.Select[Any]:
    a = t.audit.c
    for column, name in (("plan_key", "plan"), ("actor", "actor"),
                         ("event_type", "event_type"), ("aggregate_id", "item")):
        if filters.get(name) is not None:
            query = query.where(a[column] == str(filters[name]))
    if filters.get("since") is not None:
        query = query.where(a.at >= naive_utc(filters["since"]))
    if filters.get("until") is not None:
        query = query.where(a.at <= naive_utc(filters["until"]))
    return query


def _key(sort: AuditSort) -> sa.ColumnElement[Any] | None:
    if sort.column is None:
        return None
    column = t.audit.c[sort.column]
    if not sort.ranks:
        return column
    return sa.case(dict(sort.ranks), value=column, else_=len(sort.ranks))


def _beyond(key: sa.ColumnElement[Any] | None, cursor: Row, sort: AuditSort,
            forward: bool) -> sa.ColumnElement[bool]:
    """Rows after (forward) or before the cursor row in the sort's order."""
    seq = t.audit.c.seq
    later = forward != sort.descending
    if key is None or sort.column is None:
        return seq > cursor["seq"] if later else seq < cursor["seq"]
    own = cursor[sort.column]
    value = sort.ranks.get(own, len(sort.ranks)) if sort.ranks else own
    if later:
        return sa.or_(key > value, sa.and_(key == value, seq > cursor["seq"]))
    return sa.or_(key < value, sa.and_(key == value, seq < cursor["seq"]))


def audit_page(conn: sa.Connection, filters: Mapping[str, Any], sort: AuditSort, *,
               after: int | None = None, before: int | None = None,
               limit: int = 50) -> AuditPage:
    """The page after the row `after`, or before the row `before`, or the first page."""
    a = t.audit.c
    total = conn.execute(_filtered(sa.select(sa.func.count()).select_from(t.audit),
                                   filters)).scalar_one()
    key = _key(sort)
    backwards = before is not None  # a page before the cursor is read in reverse, then turned
    cursor_seq = before if backwards else after
    query = _filtered(sa.select(t.audit), filters)
    if cursor_seq is not None:
        found = conn.execute(sa.select(t.audit).where(a.seq == cursor_seq)).mappings().first()
        # a position no row has (past the end, say) still orders by its sequence number
        cursor = dict(found) if found else {"seq": cursor_seq, "actor": "", "event_type": ""}
        query = query.where(_beyond(key, cursor, sort, forward=not backwards))
    descending = sort.descending != backwards
    order = [a.seq.desc() if descending else a.seq.asc()]
    if key is not None:
        order.insert(0, key.desc() if descending else key.asc())
    rows = [{**dict(r), "at": as_utc(r["at"])}
            for r in conn.execute(query.order_by(*order).limit(limit + 1)).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
        return AuditPage(rows, has_prev=more, has_next=True, total=total)
    return AuditPage(rows, has_prev=cursor_seq is not None, has_next=more, total=total)
