"""The one per-event table: the audit trail and every item's timeline, in notification order.

Each event's data is stored once, as its canonical JSON (RFC 8785), the form the audit chain
hashes: the row's running chain head is worked out over that very text."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from projections import tables as t
from projections.base import Projection
from projections.events import Envelope, decode
from projections.rows import append_row, complete, memo, run
from tracker.auditchain import GENESIS, jcs, members_hash
from tracker.auditexport import export_members, export_record

CHAIN = "audit chain"  # the memo key of the running (head, count) in a batch


def plan_key_of(conn: sa.Connection, env: Envelope) -> str | None:
    """The plan an event belongs to: its own key, its item's plan, or none (people, units)."""
    if env.aggregate_type == "Plan" and "key" in env.fields:
        return str(env.fields["key"])
    if env.version == 1 and "plan_key" in env.fields:
        return str(env.fields["plan_key"])
    if env.aggregate_type not in ("Plan", "WorkItem"):
        return None
    known = memo(conn)
    if env.aggregate_id not in known:  # (a replay from empty knows every first event)
        known[env.aggregate_id] = None if complete(conn) else _first_plan(conn, env.aggregate_id)
    return known[env.aggregate_id]


def _first_plan(conn: sa.Connection, aggregate_id: str) -> str | None:
    """The plan an aggregate's first audit row names (one statement, compiled once)."""
    first = run(conn, FIRST, {"id": aggregate_id})
    return first[0]["plan_key"] if first else None


FIRST = sa.select(t.audit.c.plan_key).where(
    t.audit.c.aggregate_id == sa.bindparam("id"), t.audit.c.version == 1)


LAST = sa.select(t.audit.c.chain_hash, t.audit.c.chain_count).order_by(
    t.audit.c.seq.desc()).limit(1)


def chain_before(conn: sa.Connection) -> tuple[str, int]:
    """The chain head and count before the next event: carried through a batch, else read."""
    known = memo(conn)
    if CHAIN not in known:
        last = run(conn, LAST)
        known[CHAIN] = ((str(last[0]["chain_hash"]), int(last[0]["chain_count"])) if last
                        else (GENESIS, 0))
    return known[CHAIN]  # type: ignore[no-any-return]


def handle(conn: sa.Connection, env: Envelope) -> None:
    """Append the event, chained to the one before it."""
    plan_key = plan_key_of(conn, env)
    known = memo(conn)
    if plan_key is not None:
        known[env.aggregate_id] = plan_key
    data = jcs(env.data)
    head, count = chain_before(conn)
    head = members_hash(export_members(
        env.seq, env.at, env.actor, env.aggregate_type, env.aggregate_id,
        env.event_type, env.version, data), head)
    known[CHAIN] = (head, count + 1)
    append_row(conn, t.audit, {
        "seq": env.seq, "at": env.at, "actor": env.actor, "aggregate_id": env.aggregate_id,
        "aggregate_type": env.aggregate_type, "plan_key": plan_key,
        "event_type": env.event_type, "version": env.version, "data": data,
        "chain_hash": head, "chain_count": count + 1})


FIRSTS = sa.select(t.audit.c.aggregate_id, t.audit.c.plan_key).where(
    t.audit.c.aggregate_id.in_(sa.bindparam("ids", expanding=True)), t.audit.c.version == 1)
CHUNK = 500


def prefetch(conn: sa.Connection, envelopes: Sequence[Envelope]) -> None:
    """The plans of the batch's plans and items, from their first audit rows, in a few queries."""
    if complete(conn):
        return
    known = memo(conn)
    ids = [i for i in dict.fromkeys(e.aggregate_id for e in envelopes
                                    if e.aggregate_type in ("Plan", "WorkItem"))
           if i not in known]
    if len(ids) == 1:  # a command's batch
        known[ids[0]] = _first_plan(conn, ids[0])
        return
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        found = dict(conn.execute(FIRSTS, {"ids": part}).tuples().all())
        for aggregate_id in part:
            known[aggregate_id] = found.get(aggregate_id)


def store_records(app: Any, batch: int = 1000) -> Iterator[dict[str, Any]]:
    """Every event as the export record it makes, read from the event store itself with its
    data as decoded (a score of 80.0 stays 80.0, which the stored canonical text writes 80):
    what a backup made under the former hashing rule is checked against."""
    position = 0
    while True:
        notifications = app.recorder.select_notifications(position, batch,
                                                          inclusive_of_start=False)
        if not notifications:
            return
        for notification in notifications:
            env = decode(app, notification, app.timezone)
            yield export_record({"seq": env.seq, "at": env.at, "actor": env.actor,
                                 "aggregate_type": env.aggregate_type,
                                 "aggregate_id": env.aggregate_id, "event_type": env.event_type,
                                 "version": env.version, "data": env.data})
        position = notifications[-1].id


PROJECTION = Projection("audit", (t.audit,), handle, prefetch)
