"""Inputs of the leader ledger: item state, counted events, and report-cadence segments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from projections import tables as t
from projections.base import Projection, ProjectionError
from projections.events import Envelope, to_date
from projections.rows import get_row, insert_row, preload, update_row

Row = dict[str, Any]
# Events counted against the item's owner at the time they happened.
COUNTED = {"Chased": "chased", "ExtensionRequested": "extensions_requested",
           "ExtensionGranted": "extensions_granted", "ExtensionRefused": "extensions_refused",
           "Returned": "returned"}


def _record(conn: sa.Connection, env: Envelope, item: Row, kind: str, person: str) -> None:
    insert_row(conn, t.ledger_events, {"seq": env.seq, "kind": kind, "person": person,
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
            "title": f["title"], "owner": f["owner"], "status": "todo", "due": f["due"],
            "original_due": f["due"], "completed_on": None, "cadence": f["report_every_days"],
            "anchor": env.day, "segment": 0, "segment_open": False}
    _open(conn, item, env.day)
    insert_row(conn, t.ledger_items, item)


def _apply(conn: sa.Connection, env: Envelope, item: Row) -> None:
    f, kind, day = env.fields, env.event_type, env.day
    if kind in COUNTED:
        _record(conn, env, item, COUNTED[kind], item["owner"])
    if kind == "Edited" and "title" in f["changes"]:
        item["title"] = f["changes"]["title"][1]
    elif kind in ("Started", "ProgressReported") and item["status"] == "todo":
        item["status"] = "doing"
    if kind == "ProgressReported":
        reported_on = f["on"] or day
        _close(conn, item, reported_on)
        item["anchor"] = reported_on
        _open(conn, item, reported_on)
    elif kind in ("ExtensionGranted", "Rescheduled"):
        item["due"] = f["new_due"] if kind == "ExtensionGranted" else f["due"]
    elif kind == "Reassigned":
        _record(conn, env, item, "reassigned_away", f["old_owner"])
        _record(conn, env, item, "reassigned_to", f["owner"])
        was_open = item["segment_open"]
        _close(conn, item, day)
        item["owner"] = f["owner"]
        if was_open:
            _open(conn, item, day)
    elif kind == "CompletionSubmitted":
        item["status"], item["completed_on"] = "submitted", f["on"] or day
        _close(conn, item, day)
    elif kind == "Accepted":
        item["status"] = "done"
    elif kind == "Cancelled":
        item["status"] = "cancelled"
        _close(conn, item, day)
    elif kind in ("Returned", "Reopened"):
        item["status"], item["completed_on"] = "doing", None
        _open(conn, item, day)
    elif kind == "Undone":
        _undone(conn, item, f["changes"], day)


def _undone(conn: sa.Connection, item: Row, changes: dict[str, Any], day: date) -> None:
    """An undo restores status, owner, due date or completion; what was counted stays counted."""
    if "due" in changes:
        item["due"] = to_date(changes["due"][1])
    if "completion" in changes:
        restored = changes["completion"][1]
        item["completed_on"] = to_date(restored.get("on")) if restored else None
    owner = changes.get("owner", [None, item["owner"]])[1]
    status = changes.get("status", [None, item["status"]])[1]
    if owner != item["owner"] or status != item["status"]:
        _close(conn, item, day)
        item["owner"], item["status"] = owner, status
        if status in ("todo", "doing"):
            _open(conn, item, day)


def handle(conn: sa.Connection, env: Envelope) -> None:
    """Apply one WorkItem event to the ledger's inputs."""
    if env.aggregate_type != "WorkItem":
        return
    if env.event_type == "Created":
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
    preload(conn, t.ledger_cadence, ids)


PROJECTION = Projection("ledger", (t.ledger_items, t.ledger_events, t.ledger_cadence), handle,
                        prefetch)
