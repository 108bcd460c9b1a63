"""The in-app inbox: one row per person an item event tells (chases, notices, decisions,
escalations, mentions), as tracker.domain.notify decides. Rebuilt from the events like every
read model; whether a row was read is kept apart (tracker.inboxreads), so a rebuild keeps it."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from projections import tables as t
from projections.base import Projection, check_version
from projections.events import Envelope
from projections.rows import append_row, get_row, insert_row, preload, update_row
from tracker.domain.item import evolve
from tracker.domain.lifecycle import event_info
from tracker.domain.notify import recipients
from tracker.domain.state import ItemState

Row = dict[str, Any]
ASKS = ("pending_extension", "completion", "pending_deliverable")


def _state(row: Row) -> ItemState:
    """As much of the item's state as the inbox's rules read."""
    asked: dict[str, Any] = {f: {"by": row[f]} for f in ASKS if row[f] is not None}
    return ItemState(plan_key=row["plan_key"], title=row["title"], owner=row["owner"], **asked)


def _values(s: ItemState, env: Envelope) -> Row:
    asked = {f: (getattr(s, f) or {}).get("by") or "" if getattr(s, f) else None for f in ASKS}
    return {"item_id": env.aggregate_id, "version": env.version, "plan_key": s.plan_key,
            "title": s.title, "owner": s.owner, "open": s.is_open, **asked}


def explanation(env: Envelope) -> str | None:
    """The words that come with the event (a chase's note, a notice's requirement …)."""
    info = event_info(env.event_type)
    fields = info.because if info is not None else ()
    return next((str(env.fields[f]) for f in fields if env.fields.get(f)), None)


def handle(conn: sa.Connection, env: Envelope) -> None:
    """Tell whom the event concerns, then keep the item's state in step."""
    if env.aggregate_type != "WorkItem":
        return
    row = get_row(conn, t.inbox_items, item_id=env.aggregate_id)
    if not check_version(row["version"] if row else None, env):
        return
    before = _state(row) if row is not None else ItemState()
    told = recipients(before, env.event)
    after = evolve(before if row is not None else None, env.event, env.day)
    if told is not None:
        kind, people = told
        for person in people:
            append_row(conn, t.inbox, {
                "person": person, "item_id": env.aggregate_id, "version": env.version,
                "seq": env.seq, "at": env.at, "actor": env.actor, "kind": str(kind),
                "event_type": env.event_type, "plan_key": after.plan_key, "title": after.title,
                "text": explanation(env), "data": env.data})
    values = _values(after, env)
    if row is None:
        insert_row(conn, t.inbox_items, values)
    else:
        update_row(conn, t.inbox_items, values, item_id=env.aggregate_id)


def prefetch(conn: sa.Connection, envelopes: Sequence[Envelope]) -> None:
    """The batch's items' states, in one query per chunk."""
    preload(conn, t.inbox_items,
            (e.aggregate_id for e in envelopes if e.aggregate_type == "WorkItem"))


PROJECTION = Projection("inbox", (t.inbox_items, t.inbox), handle, prefetch)


def key_of(row: Row) -> str:
    """A notification's lasting name: its item and the item's version (the same after a
    rebuild or a restore, unlike a row id)."""
    return f"{row['item_id']}:{row['version']}"


class InboxView:
    """A person's notifications, newest first."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def list(self, person: str, limit: int | None = None) -> builtins.list[Row]:
        """The person's notifications, newest first (each with its ``key``)."""
        query = (sa.select(t.inbox).where(t.inbox.c.person == person)
                 .order_by(t.inbox.c.seq.desc()))
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query)]
        return [{**r, "key": key_of(r)} for r in rows]

    def pending_deliverables(self) -> builtins.list[str]:
        """The open items whose deliverable change waits for a decision."""
        c = t.inbox_items.c
        query = sa.select(c.item_id).where(c.pending_deliverable.is_not(None), c.open.is_(True))
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def keys(self, person: str) -> builtins.list[str]:
        """The lasting names of all the person's notifications."""
        query = (sa.select(t.inbox.c.item_id, t.inbox.c.version)
                 .where(t.inbox.c.person == person))
        with self.engine.connect() as conn:
            return [key_of(dict(r._mapping)) for r in conn.execute(query)]
