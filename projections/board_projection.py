"""The board: one row per work item; and what each of an item's events changed on its card."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from functools import cache
from typing import Any

import sqlalchemy as sa

from projections import tables as t
from projections.base import Projection, check_version
from projections.events import Envelope, jsonable, to_date
from projections.rows import get_row, insert_row, preload, update_row
from tracker.domain.item import evolve
from tracker.domain.lifecycle import answerable
from tracker.domain.state import ItemState
from tracker.domain.status import Status

Row = dict[str, Any]
# The state's fields the card keeps as they are, beside its own columns.
FACTS = tuple(f.name for f in fields(ItemState)
              if f.name not in t.board.c and f.name not in ("evidence", "reminded"))
TRACKED = ("title", "deliverable", "description", "owner", "lead_unit", "units", "due", "status",
           "percent", "last_report_on", "pending_due", "phase", "goal", "parent",
           "report_every_days")
EXPLAINED = ("reason", "note", "text")
# The card's list and object columns: each version keeps the previous one's when unchanged
# (less to hold and to encode: a write encodes an object once, see projections.rows).
SHARED = ("units", "completion", "leaders", "co_leads", "milestones", "facts", "notices")


def to_state(row: Row) -> ItemState:
    """The item's state as far as its card keeps it."""
    pending = ({"new_due": row["pending_due"], "reason": "", "by": ""}
               if row["extension_pending"] else None)
    completion = row["completion"]
    if completion is not None:
        completion = {**completion, "on": to_date(completion.get("on"))}
    facts = dict(row.get("facts") or {})
    if facts.get("pending_extension"):
        pending = {**facts["pending_extension"]}
        pending["new_due"] = to_date(pending["new_due"])
    facts.pop("pending_extension", None)
    return ItemState(**facts,
        plan_key=row["plan_key"], key=row["key"], title=row["title"],
        deliverable=row["deliverable"], description=row["description"], owner=row["owner"],
        lead_unit=row["lead_unit"], units=list(row["units"]), due=row["due"],
        original_due=row["original_due"], phase=row["phase"], goal=row["goal"],
        parent=row["parent"], report_every_days=row["report_every_days"],
        status=Status(row["status"]), percent=row["percent"],
        last_report_on=row["last_report_on"], pending_extension=pending,
        returns=row["returns"], chases=row["chases"], completion=completion,
        leaders=list(row.get("leaders") or []), co_leads=list(row.get("co_leads") or []),
        milestones=[{**m, "due": to_date(m["due"]), "done_on": to_date(m.get("done_on"))}
                    for m in row.get("milestones") or []],
        notices=notices_from(row.get("notices")))


NOTICE_DATES = ("reply_by", "issued_on", "acknowledged_on", "answered_on")


def notices_from(stored: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Supervision notices as the state holds them (dates as dates)."""
    return [{**n, **{k: to_date(n.get(k)) for k in NOTICE_DATES}} for n in stored or []]


def notices_to_store(notices: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Supervision notices as the card stores them (dates as ISO strings)."""
    return [{**n, **{k: (to_date(n.get(k)).isoformat() if n.get(k) else None)  # type: ignore[union-attr]
                     for k in NOTICE_DATES}} for n in notices]


def card_values(s: ItemState) -> Row:
    """The card's columns from the item's state."""
    pending = s.pending_extension
    return {
        "key": s.key, "plan_key": s.plan_key, "title": s.title, "deliverable": s.deliverable,
        "description": s.description, "owner": s.owner, "lead_unit": s.lead_unit,
        "units": list(s.units), "due": to_date(s.due), "original_due": s.original_due,
        "status": str(s.status), "phase": s.phase, "goal": s.goal, "percent": s.percent,
        "last_report_on": s.last_report_on, "extension_pending": pending is not None,
        "pending_due": to_date(pending["new_due"]) if pending else None, "returns": s.returns,
        "chases": s.chases, "report_every_days": s.report_every_days, "parent": s.parent,
        "completion": _completion(s.completion), "leaders": list(s.leaders),
        "co_leads": list(s.co_leads), "milestones": jsonable(s.milestones),
        "facts": jsonable({f: getattr(s, f) for f in FACTS}),
        "notices": notices_to_store(s.notices),
    }


def _completion(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    on = to_date(value.get("on"))
    return {"outcome": value["outcome"], "evidence": list(value.get("evidence", [])),
            "on": on.isoformat() if on else None, "by": value.get("by")}


Applied = tuple[Row, ItemState, ItemState | None]
APPLIED = "board card"  # Envelope.memo key: (card before, what apply_item made of it)


def apply_item(row: Row | None, env: Envelope) -> Applied | None:
    """The card after the event, the item's state after and before it, or None when the card
    already has it. Worked out once per event and card: the board and its versions share it
    (treat the result as read-only)."""
    if not check_version(row["version"] if row else None, env):
        return None
    known = env.memo.get(APPLIED)
    if known is not None and known[0] == row:
        return known[1]  # type: ignore[no-any-return]
    before = to_state(row) if row is not None else None
    state = evolve(before, env.event, env.day)
    new: Row = dict(row) if row is not None else {
        "id": env.aggregate_id, "created_on": env.day}
    values = card_values(state)
    if row is not None:  # unchanged lists and objects stay the very ones the card had
        for k in SHARED:
            if values[k] == row[k]:
                values[k] = row[k]
    new.update(values)
    new["version"], new["last_activity"] = env.version, env.at
    env.memo[APPLIED] = (row, (new, state, before))
    return new, state, before


def _answerable(conn: sa.Connection, item: str, before: set[str], after: set[str]) -> None:
    """Keep who answers for the item (besides the owner) in step with its state."""
    for person in before - after:
        update_row(conn, t.board_people, {"current": False}, item_id=item, person=person)
    for person in after - before:
        if get_row(conn, t.board_people, item_id=item, person=person) is None:
            insert_row(conn, t.board_people, {"item_id": item, "person": person,
                                               "current": True})
        else:
            update_row(conn, t.board_people, {"current": True}, item_id=item, person=person)


def diff(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """What changed, field by field, as [old, new] JSON values."""
    changes: dict[str, list[Any]] = {}
    for field in TRACKED:
        before = old[field] if old else None
        if before != new[field] and not (old is None and new[field] in (None, "", [])):
            changes[field] = jsonable([before, new[field]])
    return changes


def changes_of(conn: sa.Connection, item_id: str,
               versions: Sequence[int]) -> dict[int, dict[str, list[Any]]]:
    """What each of these of an item's events changed on its card (field -> [old, new] JSON
    values), by the event's version: the card's version it made against the one before it,
    both kept by the versions projection (one indexed query; nothing of it is stored)."""
    wanted = sorted(set(versions))
    if not wanted:
        return {}
    found: dict[int, Any] = {r["version"]: r for r in conn.execute(_changes_statement(), {
        "id": item_id, "low": wanted[0] - 1, "high": wanted[-1]}).mappings()}
    return {n: diff(found.get(n - 1), found[n]) for n in wanted if n in found}


@cache
def _changes_statement() -> sa.Select[Any]:
    """changes_of's query, built once (the versions' table is defined beside their projection,
    which imports this module)."""
    from projections.versions import board_versions

    v = board_versions.c
    return sa.select(v.version, *(v[f] for f in TRACKED)).where(
        v.id == sa.bindparam("id"), v.version >= sa.bindparam("low"),
        v.version <= sa.bindparam("high")).order_by(v.version)


def handle(conn: sa.Connection, env: Envelope) -> None:
    """Apply one WorkItem event to its card."""
    if env.aggregate_type != "WorkItem":
        return
    old = get_row(conn, t.board, id=env.aggregate_id)
    applied = apply_item(old, env)
    if applied is None:
        return
    new, state, previous = applied
    before = answerable(previous) - {old["owner"]} if old is not None else set()
    _answerable(conn, env.aggregate_id, before, answerable(state) - {state.owner})
    if old is None:
        insert_row(conn, t.board, new)
    else:
        update_row(conn, t.board, {k: v for k, v in new.items() if v != old[k]},
                   id=env.aggregate_id)


def prefetch(conn: sa.Connection, envelopes: Sequence[Envelope]) -> None:
    """The cards of the batch's items, in one query per chunk."""
    preload(conn, t.board, (e.aggregate_id for e in envelopes if e.aggregate_type == "WorkItem"))


PROJECTION = Projection("board", (t.board, t.board_people), handle, prefetch)
