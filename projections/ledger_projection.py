"""Inputs of the leader ledger: item state, counted events, and report-cadence segments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from projections import tables as t
from projections.base import Projection, ProjectionError
from projections.events import Envelope, to_date
from projections.rows import (
    append_row,
    complete,
    get_row,
    insert_row,
    preload,
    run,
    seed,
    update_row,
)
from tracker.domain.item import WorkItem, evolve
from tracker.domain.lifecycle import EVENTS
from tracker.domain.state import ItemState
from tracker.domain.status import WORKING, Status

Row = dict[str, Any]
E = WorkItem


def _record(conn: sa.Connection, env: Envelope, item: Row, kind: str, person: str) -> None:
    append_row(conn, t.ledger_events, {"seq": env.seq, "kind": kind, "person": person,
                                       "item_id": item["id"], "plan_key": item["plan_key"],
                                       "on": env.day})


def _close(conn: sa.Connection, item: Row, day: date) -> None:
    if item["segment_open"]:
        update_row(conn, t.ledger_cadence, {"hi": day}, item_id=item["id"],
                   segment=item["segment"])
        item["segment_open"] = False


def _open(conn: sa.Connection, item: Row, day: date) -> None:
    if item["cadence"] and not item["segment_open"]:
        item["segment"] += 1
        item["segment_open"] = True
        insert_row(conn, t.ledger_cadence, {
            "item_id": item["id"], "segment": item["segment"], "owner": item["owner"],
            "plan_key": item["plan_key"], "anchor": item["anchor"], "cadence": item["cadence"],
            "lo": day, "hi": None})


def _created(conn: sa.Connection, env: Envelope) -> None:
    f = env.fields
    item = {"id": env.aggregate_id, "plan_key": f["plan_key"], "key": f["key"],
            "title": f["title"], "owner": f["owner"], "status": str(Status.TODO), "due": f["due"],
            "original_due": f["due"], "completed_on": None, "cadence": f["report_every_days"],
            "anchor": env.day, "segment": 0, "segment_open": False}
    _open(conn, item, env.day)
    insert_row(conn, t.ledger_items, item)
    insert_row(conn, t.ledger_tenures, {"item_id": env.aggregate_id, "plan_key": f["plan_key"],
                                        "spans": [[f["owner"], env.day.isoformat(), None]]})


def _hand_over(conn: sa.Connection, item: Row, owner: str, day: date) -> None:
    """The owner's tenure ends on ``day``; the new owner's begins (lateness stays with each)."""
    row = get_row(conn, t.ledger_tenures, item_id=item["id"])
    if row is None:  # an item projected before tenures were kept: its history starts here
        spans = [[item["owner"], date.min.isoformat(), None]]
    else:
        spans = [list(s) for s in row["spans"]]
    spans[-1][2] = day.isoformat()
    spans.append([owner, day.isoformat(), None])
    if row is None:
        insert_row(conn, t.ledger_tenures, {"item_id": item["id"], "plan_key": item["plan_key"],
                                            "spans": spans})
    else:
        update_row(conn, t.ledger_tenures, {"spans": spans}, item_id=item["id"])


def _state(item: Row) -> ItemState:
    """The item's state as far as the ledger keeps it."""
    completion = {"on": item["completed_on"]} if item["completed_on"] else None
    return ItemState(plan_key=item["plan_key"], key=item["key"], title=item["title"],
                     owner=item["owner"], status=Status(item["status"]), due=item["due"],
                     original_due=item["original_due"], completion=completion)


def _count(conn: sa.Connection, env: Envelope, item: Row) -> None:
    """What the lifecycle table says this event counts, against the people it names."""
    info = EVENTS.get(type(env.event))
    for kind, person_field in info.counts if info else ():
        _record(conn, env, item, kind, env.fields[person_field] if person_field else item["owner"])


def _apply(conn: sa.Connection, env: Envelope, item: Row) -> None:
    _count(conn, env, item)
    before, event, day = _state(item), env.event, env.day
    after = evolve(before, event, day)
    completion = after.completion
    item.update(title=after.title, due=to_date(after.due),
                completed_on=to_date(completion.get("on")) if completion else None)
    if isinstance(event, E.ProgressReported):
        reported_on = after.last_report_on or day
        _close(conn, item, reported_on)
        item["anchor"] = reported_on
        _open(conn, item, reported_on)
    if after.owner != before.owner:
        _hand_over(conn, item, after.owner, day)
    if after.owner != before.owner or _segment_changes(before, after, event):
        # Reporting is owed by one owner while the item is worked on: a new segment begins.
        _close(conn, item, day)
        item["owner"], item["status"] = after.owner, str(after.status)
        if after.status in WORKING:
            _open(conn, item, day)
    item["status"] = str(after.status)


def _segment_changes(before: ItemState, after: ItemState, event: object) -> bool:
    """Whether the status change ends or begins a reporting segment (starting work does not)."""
    if before.status == after.status:
        return False
    return isinstance(event, E.Undone) or not (before.status in WORKING
                                               and after.status in WORKING)


def handle(conn: sa.Connection, env: Envelope) -> None:
    """Apply one WorkItem event to the ledger's inputs."""
    if env.aggregate_type != "WorkItem":
        return
    if env.version == 1:
        _created(conn, env)
        return
    item = get_row(conn, t.ledger_items, id=env.aggregate_id)
    if item is None:
        raise ProjectionError(f"{env.aggregate_id} has no Created event before seq {env.seq}")
    before = dict(item)
    _apply(conn, env, item)
    changed = {k: v for k, v in item.items() if v != before[k]}
    if changed:
        update_row(conn, t.ledger_items, changed, id=env.aggregate_id)


def prefetch(conn: sa.Connection, envelopes: Sequence[Envelope]) -> None:
    """The ledger rows and cadence segments of the batch's items."""
    ids = list(dict.fromkeys(e.aggregate_id for e in envelopes if e.aggregate_type == "WorkItem"))
    preload(conn, t.ledger_items, ids)
    preload(conn, t.ledger_tenures, ids)
    if not complete(conn):  # only the open segments change (closed ones are read if asked)
        seed(conn, t.ledger_cadence, _open_segments(conn, ids))


_OPEN_SEGMENT = sa.select(t.ledger_cadence).where(
    t.ledger_cadence.c.item_id == sa.bindparam("id"), t.ledger_cadence.c.hi.is_(None))
CHUNK = 500


def _open_segments(conn: sa.Connection, ids: list[str]) -> list[Row]:
    """The items' open reporting segments (one at most each): an item reported on often has
    many closed ones, which nothing changes again."""
    if len(ids) == 1:  # a command's batch: one statement, compiled once, on the driver
        return run(conn, _OPEN_SEGMENT, {"id": ids[0]})
    c = t.ledger_cadence.c
    out: list[Row] = []
    for start in range(0, len(ids), CHUNK):
        query = sa.select(t.ledger_cadence).where(c.item_id.in_(ids[start:start + CHUNK]),
                                                  c.hi.is_(None))
        out.extend(dict(r) for r in conn.execute(query).mappings())
    return out


PROJECTION = Projection("ledger", (t.ledger_items, t.ledger_events, t.ledger_cadence,
                                   t.ledger_tenures), handle, prefetch)
