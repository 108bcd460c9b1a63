"""Board rows turned into card dicts: names, children and the light of the day."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from typing import Any

import sqlalchemy as sa

from projections import tables as t
from projections.events import as_utc, to_date
from projections.lights import light, worst
from projections.pastviews import EXTRA, backfilled, mark_card
from projections.versions import OPEN_SEQ, board_versions
from tracker.domain.status import OPEN_STATUSES, Status

Row = dict[str, Any]
SQL_FILTERS = ("owner", "phase", "goal", "parent")
# What the light filter needs of a row besides the columns asked for.
LIGHT_NEEDS = ("status", "due", "report_every_days", "last_report_on", "created_on", "milestones")


def row_light(row: Mapping[str, Any] | sa.RowMapping, today: date, yellow_days: int) -> str | None:
    """The light of one board row: judged by the earliest of its due date and its open
    milestones' (the worst of their lights)."""
    return light(row["status"], light_due(row), today, yellow_days, row["report_every_days"],
                 row["last_report_on"], row["created_on"])


def light_due(row: Mapping[str, Any] | sa.RowMapping) -> date:
    """The earliest due date among the item and its open milestones."""
    dues = [to_date(m["due"]) for m in row.get("milestones") or [] if not m.get("done_on")]
    return min([row["due"], *dues])


Names = tuple[Mapping[str, str], Mapping[str, str]]


def names(conn: sa.Connection, known: Names | None = None) -> Names:
    """People's and units' display names by key (``known``: as the caller already holds them,
    e.g. the directory's copy, read no more)."""
    if known is not None:
        return known
    people = dict(conn.execute(sa.select(t.people.c.key, t.people.c.name)).tuples().all())
    units = dict(conn.execute(sa.select(t.units.c.key, t.units.c.name)).tuples().all())
    return people, units


CHILD_COLUMNS = ("plan_key", "parent", "status", "due", "report_every_days", "last_report_on",
                 "created_on", "milestones")
CHUNK = 500


def children(conn: sa.Connection, parents: set[tuple[str, str]], today: date,
             yellow_days: int, source: sa.FromClause = t.board) -> dict[tuple[str, str], Row]:
    """Per (plan, parent key) asked for: how many children, how many done, the worst open light.

    Only the children of the given cards are read (index on plan, parent), never a whole plan.
    """
    b = source.c
    out: dict[tuple[str, str], Row] = {}
    by_plan: dict[str, list[str]] = {}
    for plan_key, key in parents:
        by_plan.setdefault(plan_key, []).append(key)
    for plan_key, keys in by_plan.items():
        keys.sort()
        if source is not t.board:  # a past board: only cards that have children today can
            keys = _parents_now(conn, plan_key, keys)  # have had them (items are never deleted)
        for start in range(0, len(keys), CHUNK):
            query = sa.select(*(b[c] for c in CHILD_COLUMNS)).where(
                b.plan_key == plan_key, b.parent.in_(keys[start:start + CHUNK]),
                b.status != Status.CANCELLED.value)
            for row in conn.execute(query).mappings():
                entry = out.setdefault((row["plan_key"], row["parent"]),
                                       {"total": 0, "done": 0, "lights": []})  # not a status
                entry["total"] += 1
                entry["done"] += row["status"] == Status.DONE  # not a status: the count
                entry["lights"].append(row_light(row, today, yellow_days))
    return out


def _parents_now(conn: sa.Connection, plan_key: str, keys: list[str]) -> list[str]:
    """The keys among these that are some live item's parent (index on plan, parent)."""
    b = t.board.c
    found: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        query = sa.select(b.parent).distinct().where(
            b.plan_key == plan_key, b.parent.in_(keys[start:start + CHUNK]))
        found.update(conn.execute(query).scalars())
    return sorted(found)


def to_card(row: Row, today: date, yellow_days: int, people: Mapping[str, str],
            units: Mapping[str, str], kids: dict[tuple[str, str], Row]) -> Row:
    """The card dict the web and the API render."""
    nothing = {"total": 0, "done": 0, "lights": []}  # not a status: a figure
    stats = kids.get((row["plan_key"], row["key"]), nothing)
    completion = row["completion"]
    facts = row.get("facts") or {}
    return {
        "id": row["id"], "key": row["key"], "plan_key": row["plan_key"], "title": row["title"],
        "deliverable": row["deliverable"], "description": row["description"],
        "owner": row["owner"], "owner_name": people.get(row["owner"], row["owner"]),
        "lead_unit": row["lead_unit"],
        "lead_unit_name": units.get(row["lead_unit"], row["lead_unit"]),
        "units": list(row["units"]), "due": row["due"], "original_due": row["original_due"],
        "status": row["status"], "phase": row["phase"], "goal": row["goal"],
        "percent": row["percent"], "last_report_on": row["last_report_on"],
        "extension_pending": bool(row["extension_pending"]), "pending_due": row["pending_due"],
        **facts, "fact_names": {k: people[v] for k, v in facts.items()
                                if isinstance(v, str) and v in people},
        "returns": row["returns"], "chases": row["chases"],
        "last_activity": as_utc(row["last_activity"]),
        "report_every_days": row["report_every_days"], "parent": row["parent"],
        "children_total": stats["total"], "children_done": stats["done"],  # not a status: a figure
        "children_worst_light": worst(stats["lights"]), "version": row["version"],
        "created_on": row["created_on"],
        "completion": None if completion is None else {
            "outcome": completion["outcome"], "evidence": list(completion["evidence"]),
            "on": to_date(completion["on"])},
        "light": row_light(row, today, yellow_days),
        "backfilled": backfilled(row.get("fact_on"), row.get("entered_on")),
        "completion_backfilled": None if completion is None else backfilled(
            to_date(completion["on"]), row.get("completion_entered")),
        "leaders": list(row.get("leaders") or []),
        "leader_names": [people.get(k, k) for k in row.get("leaders") or []],
        "co_leads": list(row.get("co_leads") or []),
        "co_lead_names": [units.get(k, k) for k in row.get("co_leads") or []],
        "milestones": milestones(row, today, yellow_days),
        "notices": list(row.get("notices") or []),
        "notice_overdue": notice_overdue(row.get("notices"), today),
    }


def milestones(row: Mapping[str, Any] | sa.RowMapping, today: date,
               yellow_days: int) -> list[Row]:
    """The item's milestones, each with its due date, acceptance and light."""
    out = []
    for m in row.get("milestones") or []:
        done_on = to_date(m.get("done_on"))
        due = to_date(m["due"])
        assert due is not None
        status = Status.DONE if done_on else row["status"]
        out.append({"key": m["key"], "title": m["title"], "due": due,
                    "deliverable": m.get("deliverable", ""), "done_on": done_on,
                    "light": light(status, due, today, yellow_days)})
    return out


def notice_overdue(notices: list[Row] | None, today: date) -> Row | None:
    """The oldest supervision notice past its reply deadline without an answer, or None."""
    for n in notices or []:
        if n.get("answered_on") is None and n.get("reply_by") and \
                date.fromisoformat(str(n["reply_by"])[:10]) < today:
            return n
    return None


def _as_list(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def matching(conn: sa.Connection, today: date, yellow_days: int, plan_key: str | None = None,
             *, unit: str | None = None, status: str | Sequence[str] | None = None,
             light_is: str | Sequence[str] | None = None, q: str | None = None,
             include_cancelled: bool = False, awaiting_decision: bool = False,
             exclude_owner: str | None = None, offset: int = 0, limit: int | None = None,
             answering: str | None = None, source: sa.FromClause = t.board,
             ids: Sequence[str] | None = None,
             columns: Sequence[str] | None = None, **equal: str | None) -> list[Row]:
    """Board rows matching the filters, by due date then title (only ``columns`` when given,
    with what the filters need); no card is built."""
    b = source.c
    wanted = None if columns is None else [*columns, *LIGHT_NEEDS] if light_is else [*columns]
    picked = [source] if wanted is None else [b[c] for c in dict.fromkeys(wanted)]
    query = _matching(source, plan_key, status, light_is, q, include_cancelled,
                      awaiting_decision, exclude_owner, answering, equal, ids, picked).order_by(
        b.due, b.title, b.id)
    python_filters = bool(unit or light_is)
    if not python_filters:
        query = query.offset(offset or None).limit(limit)
    rows = [dict(r) for r in conn.execute(query).mappings()]
    if python_filters:
        rows = _kept(rows, unit, light_is, today, yellow_days)
        rows = rows[offset:] if limit is None else rows[offset:offset + limit]
    return rows


def board_count(conn: sa.Connection, today: date, yellow_days: int,
                plan_key: str | None = None, *, unit: str | None = None,
                status: str | Sequence[str] | None = None,
                light_is: str | Sequence[str] | None = None, q: str | None = None,
                include_cancelled: bool = False, awaiting_decision: bool = False,
                exclude_owner: str | None = None, answering: str | None = None,
                source: sa.FromClause = t.board, ids: Sequence[str] | None = None,
                **equal: str | None) -> int:
    """How many cards board() finds with the same filters, over all pages."""
    query = _matching(source, plan_key, status, light_is, q, include_cancelled,
                      awaiting_decision, exclude_owner, answering, equal, ids)
    if not (unit or light_is):
        counted = sa.select(sa.func.count()).select_from(query.subquery())
        return int(conn.execute(counted).scalar() or 0)
    rows = [dict(r) for r in conn.execute(query).mappings()]
    return len(_kept(rows, unit, light_is, today, yellow_days))


def _matching(source: sa.FromClause, plan_key: str | None,
              status: str | Sequence[str] | None, light_is: str | Sequence[str] | None,
              q: str | None, include_cancelled: bool,
              awaiting_decision: bool, exclude_owner: str | None, answering: str | None,
              equal: Mapping[str, str | None], ids: Sequence[str] | None = None,
              picked: Sequence[Any] | None = None) -> sa.Select[Any]:
    """The board rows the SQL-side filters keep (unit and light are judged in Python)."""
    b = source.c
    query = sa.select(*(picked or [source]))
    if plan_key is not None:
        query = query.where(b.plan_key == plan_key)
    if ids is not None:  # a queue's cards (web.board.queue)
        query = query.where(b.id.in_(list(ids)))
    if answering is not None:
        bp = t.board_people.c
        query = query.where(sa.or_(b.owner == answering, b.id.in_(sa.select(bp.item_id).where(
            bp.person == answering, bp.current.is_(True)))))
    for field in SQL_FILTERS:
        if equal.get(field) is not None:
            query = query.where(b[field] == equal[field])
    if status:
        query = query.where(b.status.in_(_as_list(status)))
    elif not include_cancelled:
        query = query.where(b.status != Status.CANCELLED.value)
    if light_is:
        query = query.where(b.status.in_([s.value for s in OPEN_STATUSES]))
    if awaiting_decision:  # a completion to accept or return, or an extension to decide
        query = query.where(sa.or_(b.status == Status.SUBMITTED.value,
                                   sa.and_(b.extension_pending.is_(True),
                                           b.status.in_([s.value for s in OPEN_STATUSES]))))
    if exclude_owner:
        query = query.where(b.owner != exclude_owner)
    if q:
        text = q.lower()
        query = query.where(sa.or_(*(sa.func.lower(c).contains(text, autoescape=True)
                                     for c in (b.title, b.key, b.deliverable, b.description))))
    return query



def _kept(rows: list[Row], unit: str | None, light_is: str | Sequence[str] | None,
          today: date, yellow_days: int) -> list[Row]:
    """The rows the unit and light filters keep (lights are judged on today's date)."""
    if unit:
        rows = [r for r in rows if touches(r, unit)]
    if light_is:
        wanted_lights = _as_list(light_is)
        rows = [r for r in rows if row_light(r, today, yellow_days) in wanted_lights]
    return rows


def touches(row: Mapping[str, Any], unit: str) -> bool:
    """Whether the unit leads, co-leads or supports the item."""
    return (row["lead_unit"] == unit or unit in (row.get("co_leads") or [])
            or unit in row["units"])


def board(conn: sa.Connection, today: date, yellow_days: int, plan_key: str | None = None,
          *, source: sa.FromClause = t.board, known: Names | None = None,
          **filters: Any) -> list[Row]:
    """Cards matching the filters, by due date then title (``answering``: the items a person
    owns or otherwise answers for; ``source``: the versions valid at a past view instead of
    the live board)."""
    if source is t.board or filters.get("unit") or filters.get("light_is"):
        rows = matching(conn, today, yellow_days, plan_key, source=source, **filters)
    else:
        rows = _past_page(conn, today, yellow_days, plan_key, source, filters)
    return to_cards(conn, rows, today, yellow_days, source, known)


def _past_page(conn: sa.Connection, today: date, yellow_days: int, plan_key: str | None,
               source: sa.FromClause, filters: dict[str, Any]) -> list[Row]:
    """A past board's page: the versions in board order from the covering index first, then
    only those versions' rows by their key (a plan's valid versions are never read whole)."""
    f = dict(filters)
    offset, limit = f.pop("offset", 0), f.pop("limit", None)
    b = source.c
    page = _matching(source, plan_key, f.pop("status", None), None, f.pop("q", None),
                     f.pop("include_cancelled", False), f.pop("awaiting_decision", False),
                     f.pop("exclude_owner", None), f.pop("answering", None), ids=f.pop("ids", None),
                     equal=f, picked=[b.id, b.version, b.due, b.title]).order_by(
        b.due, b.title, b.id).offset(offset or None).limit(limit).subquery("page")
    v = board_versions.c
    query = sa.select(*(v[c] for c in source.c.keys())).join_from(
        board_versions, page, sa.and_(v.id == page.c.id, v.version == page.c.version)).order_by(
        page.c.due, page.c.title, page.c.id)
    return [dict(r) for r in conn.execute(query).mappings()]


def to_cards(conn: sa.Connection, rows: list[Row], today: date, yellow_days: int,
             source: sa.FromClause = t.board, known: Names | None = None) -> list[Row]:
    """Full board rows as cards: names, children and the light of the day."""
    people, units = names(conn, known)
    kids = children(conn, {(r["plan_key"], r["key"]) for r in rows}, today, yellow_days, source)
    return [to_card(r, today, yellow_days, people, units, kids) for r in rows]


def cards_by_id(conn: sa.Connection, ids: Sequence[str], today: date,
                yellow_days: int, known: Names | None = None) -> dict[str, Row]:
    """The live cards with these ids (one query per chunk), by id."""
    rows: list[Row] = []
    for start in range(0, len(ids), CHUNK):
        query = sa.select(t.board).where(t.board.c.id.in_(list(ids[start:start + CHUNK])))
        rows += [dict(r) for r in conn.execute(query).mappings()]
    return {c["id"]: c for c in to_cards(conn, rows, today, yellow_days, known=known)}


@cache
def _card_statement() -> sa.Select[Any]:
    """card()'s query, built once: building it took ten times as long as running it."""
    b, v, kids = t.board.c, board_versions.c, t.board.alias("kids").c
    has_kids = sa.exists().where(kids.plan_key == b.plan_key, kids.parent == b.key,
                                 kids.status != Status.CANCELLED.value)
    return sa.select(t.board, has_kids.label("has_kids"), v.version.label("mark_version"),
                     *(v[c].label(f"mark_{c}") for c in EXTRA)).outerjoin(
        board_versions, sa.and_(v.id == b.id, v.seq_to == OPEN_SEQ)).where(
        b.id == sa.bindparam("item_id"))


def card(conn: sa.Connection, item_id: str, today: date, yellow_days: int,
         known: Names | None = None) -> Row | None:
    """One live card by id with the back-filled 补录 marks of its current version (as
    mark_live gives them), or None: one query, and one more for its sub-items when it has
    some that are not cancelled."""
    found = conn.execute(_card_statement(), {"item_id": item_id}).mappings().first()
    if found is None:
        return None
    row = dict(found)
    mark = {"version": row.pop("mark_version"), **{c: row.pop(f"mark_{c}") for c in EXTRA}}
    people, units = names(conn, known)
    stats = children(conn, {(row["plan_key"], row["key"])}, today, yellow_days) \
        if row.pop("has_kids") else {}
    out = to_card(row, today, yellow_days, people, units, stats)
    mark_card(out, mark if mark["version"] is not None else None)
    return out
