"""The board (one row per work item) and each item's timeline, written together."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from projections import tables as t
from projections.base import Projection, check_version
from projections.events import Envelope, jsonable, to_date
from projections.rows import get_row, insert_row, preload, update_row

Row = dict[str, Any]
TRACKED = ("title", "deliverable", "description", "owner", "lead_unit", "units", "due", "status",
           "percent", "last_report_on", "pending_due", "phase", "goal", "parent",
           "report_every_days")
EXPLAINED = ("reason", "note", "text")


def created(env: Envelope) -> Row:
    """The card of a newly created item."""
    f = env.fields
    return {
        "id": env.aggregate_id, "key": f["key"], "plan_key": f["plan_key"], "title": f["title"],
        "deliverable": f["deliverable"], "description": f["description"], "owner": f["owner"],
        "lead_unit": f["lead_unit"], "units": list(f["units"]), "due": f["due"],
        "original_due": f["due"], "status": "todo", "phase": f["phase"], "goal": f["goal"],
        "percent": None, "last_report_on": None, "extension_pending": False, "pending_due": None,
        "returns": 0, "chases": 0, "created_on": env.day, "last_activity": env.at,
        "report_every_days": f["report_every_days"], "parent": f["parent"], "version": 0,
        "completion": None,
    }


def _reported(row: Row, env: Envelope) -> Row:
    f = env.fields
    return {"percent": row["percent"] if f["percent"] is None else f["percent"],
            "status": "doing" if row["status"] == "todo" else row["status"],
            "last_report_on": f["on"] or env.day}


def _submitted(row: Row, env: Envelope) -> Row:
    f = env.fields
    on = f["on"] or env.day
    return {"status": "submitted", "completion": {
        "outcome": f["outcome"], "evidence": list(f["evidence"]), "on": on.isoformat(),
        "by": env.actor}}


def _completion(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    on = to_date(value.get("on"))
    return {"outcome": value["outcome"], "evidence": list(value.get("evidence", [])),
            "on": on.isoformat() if on else None, "by": value.get("by")}


def _undone(row: Row, env: Envelope) -> Row:
    """An undo restores the fields its event lists as [now, restored]."""
    out: Row = {}
    for field, (_now, restored) in env.fields["changes"].items():
        if field == "completion":
            out["completion"] = _completion(restored)
        elif field == "pending_extension":
            out["extension_pending"] = restored is not None
            out["pending_due"] = to_date(restored["new_due"]) if restored else None
        elif field == "units":
            out["units"] = list(restored)
        elif field in row:
            out[field] = to_date(restored) if field == "due" else restored
    return out


CHANGES: dict[str, Callable[[Row, Envelope], Row]] = {
    "Edited": lambda r, e: {k: v[1] for k, v in e.fields["changes"].items()},
    "Started": lambda r, e: {"status": "doing"},
    "ProgressReported": _reported,
    "Chased": lambda r, e: {"chases": r["chases"] + 1},
    "ExtensionRequested": lambda r, e: {"extension_pending": True,
                                        "pending_due": e.fields["new_due"]},
    "ExtensionGranted": lambda r, e: {"due": e.fields["new_due"], "extension_pending": False,
                                      "pending_due": None},
    "ExtensionRefused": lambda r, e: {"extension_pending": False, "pending_due": None},
    "Rescheduled": lambda r, e: {"due": e.fields["due"]},
    "Reassigned": lambda r, e: {"owner": e.fields["owner"]},
    "UnitsChanged": lambda r, e: {"lead_unit": e.fields["lead_unit"],
                                  "units": list(e.fields["units"])},
    "CompletionSubmitted": _submitted,
    "Accepted": lambda r, e: {"status": "done", "percent": 100},
    "Returned": lambda r, e: {"status": "doing", "returns": r["returns"] + 1, "completion": None},
    "Cancelled": lambda r, e: {"status": "cancelled"},
    "Reopened": lambda r, e: {"status": "doing", "completion": None},
    "Undone": _undone,
}


def apply_item(row: Row | None, env: Envelope) -> Row | None:
    """The card after the event, or None when the card already has it."""
    if not check_version(row["version"] if row else None, env):
        return None
    new = created(env) if row is None else dict(row)
    change = CHANGES.get(env.event_type)
    if change is not None and row is not None:
        new.update(change(row, env))
    new["version"], new["last_activity"] = env.version, env.at
    return new


def diff(old: Row | None, new: Row) -> dict[str, list[Any]]:
    """What changed, field by field, as [old, new] JSON values."""
    changes: dict[str, list[Any]] = {}
    for field in TRACKED:
        before = old[field] if old else None
        if before != new[field] and not (old is None and new[field] in (None, "", [])):
            changes[field] = jsonable([before, new[field]])
    return changes


def handle(conn: sa.Connection, env: Envelope) -> None:
    """Apply one WorkItem event to its card and its timeline."""
    if env.aggregate_type != "WorkItem":
        return
    old = get_row(conn, t.board, id=env.aggregate_id)
    new = apply_item(old, env)
    if new is None:
        return
    if old is None:
        insert_row(conn, t.board, new)
    else:
        update_row(conn, t.board, {k: v for k, v in new.items() if v != old[k]},
                   id=env.aggregate_id)
    insert_row(conn, t.history, {
        "seq": env.seq, "item_id": env.aggregate_id, "version": env.version, "at": env.at,
        "actor": env.actor, "event_type": env.event_type, "changes": diff(old, new),
        **{k: env.fields.get(k) for k in EXPLAINED}, "data": env.data,
    })


def prefetch(conn: sa.Connection, envelopes: Sequence[Envelope]) -> None:
    """The cards of the batch's items, in one query per chunk."""
    preload(conn, t.board, (e.aggregate_id for e in envelopes if e.aggregate_type == "WorkItem"))


PROJECTION = Projection("board", (t.board, t.history), handle, prefetch)
