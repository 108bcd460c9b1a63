"""The leader ledger: per person, the figures of responsibility, each with its items."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from projections import tables as t
from projections.handovers import add_handovers, overdue_days
from tracker.domain.lifecycle import LEDGER_COUNTERS
from tracker.domain.status import Status

Row = dict[str, Any]
EVENT_FIGURES = tuple(LEDGER_COUNTERS)  # what the lifecycle table says events count
FIGURES = ("owned", "open", "done", "done_on_time", "done_late", "done_on_time_original",
           "done_late_original", "overdue", *EVENT_FIGURES, "reports_missed")


def missed(anchor: date, cadence: int, lo: date, end: date) -> int:
    """Report deadlines anchor + k·cadence (k ≥ 1) that fell in [lo, end) and passed unmet."""
    first = max(1, -(-(lo - anchor).days // cadence))
    last = ((end - anchor).days - 1) // cadence
    return max(0, last - first + 1)


def _select(conn: sa.Connection, table: sa.Table, plan_key: str | None,
            person_column: str, person: str | None) -> list[Row]:
    query = sa.select(table).order_by(*table.primary_key.columns)
    if plan_key is not None:
        query = query.where(table.c.plan_key == plan_key)
    if person is not None:
        query = query.where(table.c[person_column] == person)
    return [dict(r) for r in conn.execute(query).mappings()]


def _blank(key: str, name: str) -> Row:
    return {"person": key, "name": name, **dict.fromkeys(FIGURES, 0), "overdue_days": 0,
            "items": {f: [] for f in FIGURES}, "handovers": []}


def _count(entry: Row, figure: str, item: Row, **extra: Any) -> None:
    entry[figure] += extra.get("count", 1)
    entry["items"][figure].append({"id": item["id"], "key": item["key"],
                                   "title": item["title"], "plan_key": item["plan_key"], **extra})


def _item_figures(entry: Row, item: Row, today: date) -> None:
    if item["status"] == Status.CANCELLED:
        return
    _count(entry, "owned", item)
    if item["status"] == Status.DONE:
        _count(entry, "done", item)  # not a status: a figure
        done_on = item["completed_on"]
        _count(entry, "done_late" if done_on > item["due"] else "done_on_time", item,
               on=done_on, due=item["due"])
        late = done_on > item["original_due"]
        _count(entry, "done_late_original" if late else "done_on_time_original", item,
               on=done_on, due=item["original_due"])
        return
    _count(entry, "open", item)
    if today > item["due"]:
        days = overdue_days(item["due"], _since(item), None, today)
        _count(entry, "overdue", item, days=days)
        entry["overdue_days"] += days


def _since(item: Row) -> date:
    """When the item's current owner took it over (date.min: the first owner, from the start,
    even for an item created after its due date)."""
    spans = item.get("spans") or []
    return date.fromisoformat(spans[-1][1]) if len(spans) > 1 else date.min


def _handed_over(entry_for: Any, item: Row, today: date) -> None:
    """Overdue days of earlier owners stay theirs after a handover."""
    if item["status"] == Status.CANCELLED:
        return
    for n, (owner, lo, hi) in enumerate((item.get("spans") or [])[:-1]):
        since = date.min if n == 0 else date.fromisoformat(lo)
        days = overdue_days(item["due"], since, date.fromisoformat(hi), today)
        entry = entry_for(owner) if days else None
        if entry is not None:
            entry["overdue_days"] += days
            entry["items"]["overdue"].append({
                "id": item["id"], "key": item["key"], "title": item["title"],
                "plan_key": item["plan_key"], "days": days, "until": date.fromisoformat(hi)})


def _tenures(conn: sa.Connection, items: list[Row], today: date) -> dict[str, list[Any]]:
    """Who owned each item when, as far as known on ``today`` (an as-of view ignores later
    handovers)."""
    plans = sorted({i["plan_key"] for i in items})
    if not plans:
        return {}
    rows = conn.execute(sa.select(t.ledger_tenures).where(
        t.ledger_tenures.c.plan_key.in_(plans))).mappings()
    out: dict[str, list[Any]] = {}
    for r in rows:
        known = [list(s) for s in r["spans"] if date.fromisoformat(s[1]) <= today]
        if known and known[-1][2] is not None and date.fromisoformat(known[-1][2]) > today:
            known[-1][2] = None
        out[r["item_id"]] = known
    return out


def ledger(conn: sa.Connection, today: date, plan_key: str | None = None,
           person: str | None = None) -> list[Row]:
    """One dict per person with every figure and, under "items", the items behind each."""
    return figures(conn, today, person, _select(conn, t.ledger_items, plan_key, "owner", None),
                   _select(conn, t.ledger_events, plan_key, "person", person),
                   _select(conn, t.ledger_cadence, plan_key, "owner", person))


def figures(conn: sa.Connection, today: date, person: str | None, items: list[Row],
            events: list[Row], segments: list[Row]) -> list[Row]:
    """The ledger from its inputs: item states, counted events and report-cadence segments."""
    people = dict(conn.execute(sa.select(t.people.c.key, t.people.c.name)).tuples().all())
    by_id = {i["id"]: i for i in items}
    out: dict[str, Row] = {k: _blank(k, n) for k, n in sorted(people.items())
                           if person is None or k == person}

    def entry(key: str) -> Row:
        return out.setdefault(key, _blank(key, people.get(key, key)))

    def shown(key: str) -> Row | None:
        return entry(key) if person is None or key == person else None

    spans = _tenures(conn, items, today)
    for item in items:
        item["spans"] = spans.get(item["id"])
        if person is None or item["owner"] == person:
            _item_figures(entry(item["owner"]), item, today)
        _handed_over(shown, item, today)
        add_handovers(shown, people, item, today)
    for ev in events:
        if ev["item_id"] in by_id:
            item = by_id[ev["item_id"]]
            # A deadline change names the item's original and current due dates.
            dates = ({"original_due": item["original_due"], "due": item["due"]}
                     if ev["kind"] == "deadline_changes" else {})
            _count(entry(ev["person"]), ev["kind"], item, on=ev["on"], seq=ev["seq"], **dates)
    for seg in segments:
        n = missed(seg["anchor"], seg["cadence"], seg["lo"], seg["hi"] or today)
        if n and seg["item_id"] in by_id:
            _count(entry(seg["owner"]), "reports_missed", by_id[seg["item_id"]], count=n,
                   since=seg["lo"])
    return [out[k] for k in sorted(out)]
