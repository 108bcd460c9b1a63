"""The figures behind the reports and documents: ledger, unit lights, review, source."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from projections.grades import all_grades, movement
from projections.handovers import HANDED_OVER
from projections.lights import light
from projections.nominations import plan_nominations
from projections.pastviews import AsOf
from projections.plans import plan_dict, progress
from projections.queries import Queries
from projections.reports.order import by_rank, by_unit_order
from tracker.domain import WorkItem
from tracker.domain.fields import parse_date
from tracker.domain.status import Status
from tracker.errors import N_, NotFoundError

Row = dict[str, Any]
FIGURES = ("owned", "done", "done_on_time", "done_late", "done_late_original", "open",
           "overdue", "overdue_days", "reassigned_to", "reassigned_away",
           "extensions_requested", "extensions_granted", "extensions_refused",
           "deadline_changes", "deliverable_changes", "returned", "chased", "reports_missed")
COLUMNS = ("name", *FIGURES, "on_time_rate")


def parse_as_of(text: str | None) -> date | None:
    """An ISO date from a query string or option, or None; refuse anything else."""
    return parse_date(text, "as_of")


def end_of(day: date, tz: ZoneInfo) -> datetime:
    """The last instant of the day in the tracker's time zone."""
    return datetime.combine(day + timedelta(days=1), time.min, tz) - timedelta(microseconds=1)


def source(q: Queries, cutoff: datetime | None) -> Row:
    """The event sequence number and audit chain head the report is built from (the head
    the audit projection stored: no report re-hashes the history)."""
    head = q.chain_head(until=cutoff)
    return {"seq": head["seq"] or 0, "chain_head": head["chain_head"], "count": head["count"]}


def with_rate(row: Row) -> Row:
    """A ledger row with its on-time rate (percent of items done, None when none done)."""
    done = row["done"]  # not a status: a figure
    return {**row, "on_time_rate": round(100 * row["done_on_time"] / done) if done else None}


def context(q: Queries, plan_key: str | None, as_of: date | None,
            basis: str | None = None) -> Row:
    """What every report shares: the plan, the day judged, the past view (as in effect unless
    asked otherwise), the cutoff and the source."""
    tz = q.rm.app.timezone
    view = q.past(as_of, basis, plan_key)
    cutoff = end_of(as_of, tz) if as_of else None
    plan = None
    if plan_key:
        plan = next((p for p in q.list_plans() if p["key"] == plan_key), None)
        if plan is None:
            raise NotFoundError(N_("There is no %(what)s %(key)s."), what="plan", key=plan_key)
    organisation = str((plan or {}).get("organisation") or "")
    return {"plan": plan, "plan_key": plan_key, "as_of": as_of, "cutoff": cutoff, "view": view,
            "basis": view.basis if view else "", "day": as_of or q.today(),
            "source": source(q, cutoff if view is not None and view.recorded else None),
            "organisation": organisation}


def leaders(q: Queries, plan_key: str | None = None, as_of: date | None = None,
            sort: str = "rank", desc: bool = False, basis: str | None = None) -> Row:
    """Every person's ledger row with the on-time rate, by rank or sorted by a column."""
    ctx = context(q, plan_key, as_of, basis)
    rows = by_rank(q.rm, [with_rate(r) for r in q.ledger(plan_key, as_of=ctx["view"])])
    ctx["handovers"] = all_handovers(rows)
    sort = sort if sort in COLUMNS else "rank"
    if sort == "rank":
        return {**ctx, "rows": rows[::-1] if desc else rows, "sort": sort, "desc": desc}
    rows.sort(key=lambda r: (r[sort] is None, r[sort] if r[sort] is not None else 0,
                             r["person"]), reverse=desc)
    return {**ctx, "rows": rows, "sort": sort, "desc": desc}


def all_handovers(rows: list[Row]) -> list[Row]:
    """Every handover 移交 in the ledger once (from the entry of whoever handed over), by date."""
    found = [h for r in rows for h in r.get("handovers", []) if h["direction"] == HANDED_OVER]
    return sorted(found, key=lambda h: (h["on"], h["title"], h["from"]))


def unit_lights(q: Queries, plan_key: str | None, cutoff: datetime | AsOf | None,
                day: date) -> list[Row]:
    """Each unit with its liaisons and the lights of the items it leads (as of the cutoff)."""
    cards = q.board(plan_key, as_of=cutoff)
    out = []
    for unit in by_unit_order(q.rm, q.units(plan_key)):
        led = [c for c in cards if c["lead_unit"] == unit["key"]]
        lights = {"red": 0, "yellow": 0, "green": 0}
        for card in led:
            colour = light(card["status"], card["due"], day, q.yellow_days,
                           card["report_every_days"], card["last_report_on"], card["created_on"])
            if colour:
                lights[colour] += 1
        out.append({**unit, "items_led": len(led), "lights": lights})
    return out


def person(q: Queries, key: str, plan_key: str | None = None,
           as_of: date | None = None, basis: str | None = None) -> Row:
    """One person's ledger with the items behind each figure and the units they liaise with."""
    ctx = context(q, plan_key, as_of, basis)
    rows = q.ledger(plan_key, person=key, as_of=ctx["view"])
    if not rows:
        raise NotFoundError(N_("There is no %(what)s %(key)s."), what="person", key=key)
    units = [u for u in unit_lights(q, plan_key, ctx["view"], ctx["day"])
             if key in u["liaisons"]]
    row = with_rate(rows[0])
    row["handovers"] = sorted(row.get("handovers", []), key=lambda h: (h["on"], h["title"]))
    return {**ctx, "row": row, "units": units}


def _reasons(q: Queries, entries: list[Row], event_type: str, upto: int) -> list[Row]:
    out = []
    for entry in entries:
        for h in q.history(entry["id"], changes=False):
            if h["event_type"] == event_type and h["seq"] <= upto:
                out.append({**entry, "reason": h["reason"] or h["note"] or "", "seq": h["seq"]})
    return sorted({(r["id"], r["seq"]): r for r in out}.values(), key=lambda r: r["seq"])


# The decisions the review lists as changes to an item's commitments (its due date and its
# deliverable), oldest first.
CHANGES = (WorkItem.ExtensionGranted, WorkItem.ExtensionRefused, WorkItem.DeliverableChanged)


def commitment_changes(q: Queries, plan_key: str, upto: int) -> list[Row]:
    """Every decision on an item's due date or deliverable up to an event: the item, who
    asked, who decided (and whether as administrator), from what to what, and why."""
    people = q.directory().people_names
    cards = {c["id"]: c for c in q.board(plan_key, include_cancelled=True)}
    out: list[Row] = []
    for kind in CHANGES:
        for r in q.iter_audit(plan=plan_key, event_type=kind.__name__):
            card, d = cards.get(str(r["aggregate_id"])), r["data"] or {}
            if card is None or r["seq"] > upto:
                continue
            on = r["at"].astimezone(q.rm.app.timezone).date()
            if kind is WorkItem.DeliverableChanged:
                asked, old, new = d.get("asked_by"), d.get("old"), d.get("deliverable")
            else:
                asked, old, new = _request(card, r["actor"], on)
            out.append({"seq": r["seq"], "event_type": kind.__name__, "title": card["title"],
                        "owner_name": people.get(card["owner"], ""), "on": on,
                        "old": old, "new": new, "asked_by": people.get(asked or "", ""),
                        "decided_by": people.get(r["actor"]), "as_admin": bool(d.get("as_admin")),
                        "reason": d.get("reason") or d.get("note") or ""})
    return sorted(out, key=lambda c: c["seq"])


def _request(card: Row, decided_by: str, on: date) -> tuple[str | None, str, str]:
    """The due-date request a person decided on a day (from the card's requests): who asked,
    the due date then in force and the date asked for."""
    due = card["original_due"].isoformat()
    for r in card.get("due_requests") or []:
        if r.get("decided_by") == decided_by and r.get("decided_on") == on.isoformat():
            return r["by"], due, r["new_due"]
        if r.get("granted"):
            due = r["new_due"]
    return None, "", ""


def review(q: Queries, plan_key: str, as_of: date | None = None,
           basis: str | None = None) -> Row:
    """The final review 总结考评: progress, every ledger, grades and movement, exceptions."""
    ctx = context(q, plan_key, as_of, basis)
    cutoff, upto, view = ctx["cutoff"], ctx["source"]["seq"], ctx["view"]
    cards = q.board(plan_key, include_cancelled=True, as_of=view)
    plan = ctx["plan"] or plan_dict({"key": plan_key, "title": plan_key, "starts": None,
                                     "ends": None, "description": "", "goals": [], "phases": []})
    rows = by_rank(q.rm, [with_rate(r) for r in q.ledger(plan_key, as_of=view)])
    late = [dict(i, person=r["person"], owner_name=r["name"]) for r in rows
            for i in r["items"]["done_late"]]
    overdue = [dict(i, person=r["person"], owner_name=r["name"]) for r in rows
               for i in r["items"]["overdue"]]
    returned = [dict(i, owner_name=r["name"]) for r in rows for i in r["items"]["returned"]]
    cancelled = [c for c in cards if c["status"] == Status.CANCELLED]
    engine = q.rm.engine
    unit_names = q.directory().unit_names
    grades = all_grades(engine, plan_key, view, q.rm.app.timezone)
    graded = by_unit_order(q.rm, [{"key": k, "name": unit_names.get(k, k), "history": h}
                                  for k, h in grades.items()])
    moves = [{**m, "unit_name": unit_names.get(m["unit"], m["unit"])}
             for m in movement(engine, plan_key, view)]
    return {**ctx, "progress": progress(plan, cards, ctx["day"]), "rows": rows,
            "grades": grades, "graded": graded, "movement": moves,
            "units": unit_lights(q, plan_key, view, ctx["day"]),
            "late": late, "overdue": overdue,
            "returned": _reasons(q, returned, WorkItem.Returned.__name__, upto),
            "cancelled": _reasons(q, cancelled, WorkItem.Cancelled.__name__,  # not a status
                                 upto),
            "nominations": nominations(q, plan_key, cutoff),
            "changes": commitment_changes(q, plan_key, upto)}


def nominations(q: Queries, plan_key: str, cutoff: datetime | None) -> Row:
    """The plan's standing and withdrawn nominations, each with the nominee's name."""
    names = {("unit", u["key"]): u["name"] for u in q.unit_list()}
    names.update({("person", p["key"]): p["name"] for p in q.people()})
    found = plan_nominations(q.rm.engine, plan_key, cutoff)
    return {part: [{**r, "name": names.get((r["kind"], r["nominee"]), r["nominee"]),
                    "actor_name": names.get(("person", r["actor"]), r["actor"])}
                   for r in rows] for part, rows in found.items()}
