"""The work register 工作台账: one row per item with names, progress, completion and light."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from projections import tables as t_
from projections.cards import notice_overdue
from projections.lights import OPEN
from projections.queries import Queries
from projections.reports import labels
from projections.reports.data import context
from projections.reports.document import Column, Document, Light, Section
from projections.reports.i18n import Lang
from projections.reports.order import LAST, unit_rank
from projections.reports.papers import paper, plan_title
from tracker.domain.item import WorkItem
from tracker.errors import N_, ValidationError

Row = dict[str, Any]
GROUPS = ("goal", "unit")
REPORTED = WorkItem.ProgressReported.__name__


def latest_reports(q: Queries, ids: list[str], upto: int) -> dict[str, Row]:
    """Each item's latest progress report (note, percent, date) recorded up to an event."""
    a = t_.audit.c
    out: dict[str, Row] = {}
    with q.rm.engine.connect() as conn:
        for start in range(0, len(ids), 500):
            query = sa.select(a.aggregate_id, a.data, a.at).where(
                a.aggregate_id.in_(ids[start:start + 500]), a.event_type == REPORTED,
                a.seq <= upto).order_by(a.seq)
            for item_id, data, at in conn.execute(query).tuples():
                data = data or {}
                out[item_id] = {"note": data.get("note") or "", "on": _day(data.get("on")) or at}
    return out


def _day(value: Any) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return value if isinstance(value, date) else None


def register(q: Queries, plan_key: str, as_of: date | None = None, *, unit: str | None = None,
             leader: str | None = None, owner: str | None = None, light: str | None = None,
             group: str | None = None) -> Row:
    """The register's rows (as of a day), filtered like the board, grouped on request."""
    if group not in (None, "", *GROUPS):
        raise ValidationError(N_("Group by goal or by unit."))
    ctx = context(q, plan_key, as_of)
    cards = q.board(plan_key, unit=unit, owner=owner, light=light, as_of=ctx["cutoff"],
                    include_cancelled=light is None)
    units = {u["key"]: u for u in q.unit_list()}
    people = q.directory().people_names
    for card in cards:
        lead = units.get(card["lead_unit"], {"liaisons": []})
        card["leaders"] = list(lead["liaisons"])
        card["leader_names"] = [people.get(k, k) for k in card["leaders"]]
        card["unit_names"] = [units[k]["name"] if k in units else k for k in card["units"]]
    if leader:
        cards = [c for c in cards if leader in c["leaders"]]
    reports = latest_reports(q, [str(c["id"]) for c in cards], ctx["source"]["seq"])
    goals = {g["key"]: (n, g["title"]) for n, g in enumerate((ctx["plan"] or {})["goals"])}
    ranks = unit_rank(q.rm)
    if group == "goal":
        cards.sort(key=lambda c: goals.get(c["goal"], (len(goals), ""))[0])
    elif group == "unit":
        cards.sort(key=lambda c: ranks.get(c["lead_unit"], (LAST, c["lead_unit"])))
    for card in cards:
        card["report"] = reports.get(str(card["id"]))
        card["group"] = (goals.get(card["goal"], (0, ""))[1] if group == "goal" else
                         card["lead_unit_name"] if group == "unit" else "")
    return {**ctx, "items": cards, "group": group or "", "filters": {
        "unit": units[unit]["name"] if unit in units else unit, "owner": people.get(owner or ""),
        "leader": people.get(leader or "", leader), "light": light}}


def _progress(t: Lang, card: Row) -> str:
    report = card["report"]
    if not report:
        return ""
    percent = f"（{card['percent']}%）" if card["percent"] is not None and t.zh else (
        f" ({card['percent']}%)" if card["percent"] is not None else "")
    return f"{t.date(report['on'])}：{report['note']}{percent}" if t.zh else \
        f"{t.date(report['on'])}: {report['note']}{percent}"


def _completion(t: Lang, card: Row) -> str:
    done = card["completion"]
    word = labels.status(t, card["status"])
    if done and done.get("on"):
        return t(N_("%(status)s on %(on)s"), status=word, on=t.date(done["on"]))
    return word


def _remarks(t: Lang, card: Row, day: date) -> str:
    notes = []
    if card["status"] in OPEN and day > card["due"]:
        notes.append(t(N_("%(n)s days overdue"), n=(day - card["due"]).days))
    if card["due"] != card["original_due"]:
        notes.append(t(N_("due date moved from %(on)s"), on=t.date(card["original_due"])))
    if card["extension_pending"] and card["pending_due"]:
        notes.append(t(N_("extension to %(on)s asked"), on=t.date(card["pending_due"])))
    if card["returns"]:
        notes.append(t(N_("returned %(n)s times"), n=card["returns"]))
    if card["chases"]:
        notes.append(t(N_("chased %(n)s times"), n=card["chases"]))
    late = notice_overdue(card.get("notices"), day)
    if late:
        notes.append(t(N_("Notice unanswered since %(on)s"), on=t.date(_day(late["reply_by"])))
                     if late.get("acknowledged_on") else
                     t(N_("Notice not acknowledged, reply was due %(on)s"),
                       on=t.date(_day(late["reply_by"]))))
    return ("；" if t.zh else "; ").join(notes)


COLUMNS = ((N_("No."), 3.2, True), (N_("Supervised item"), 17, False),
           (N_("Responsible leader"), 6, False), (N_("Lead unit"), 7.5, False),
           (N_("Supporting units"), 7.5, False), (N_("Person responsible"), 6, False),
           (N_("Deadline"), 8.5, False), (N_("Progress"), 16, False),
           (N_("Completion"), 7.5, False), (N_("Traffic light"), 4, False),
           (N_("Remarks"), 9, False))


def register_rows(t: Lang, report: Row) -> tuple[list[list[Any]], dict[int, str]]:
    """The table's rows in the register's column order, and the group headings."""
    rows: list[list[Any]] = []
    groups: dict[int, str] = {}
    last = None
    sep = "、" if t.zh else ", "
    for n, card in enumerate(report["items"], 1):
        if report["group"] and card["group"] != last:
            groups[len(rows)] = card["group"] or t(N_("No goal"))
            last = card["group"]
        colour = card["light"]
        rows.append([n, card["title"], sep.join(card["leader_names"]), card["lead_unit_name"],
                     sep.join(card["unit_names"]), card["owner_name"], t.date(card["due"]),
                     _progress(t, card), _completion(t, card),
                     Light(colour, labels.light(t, colour)) if colour else "",
                     _remarks(t, card, report["day"])])
    return rows, groups


def register_paper(t: Lang, report: Row) -> Document:
    """The register as a document: A4 landscape, title block, the eleven columns."""
    rows, groups = register_rows(t, report)
    section = Section("", [Column(t(label), width, numeric) for label, width, numeric in COLUMNS],
                      rows, empty=t(N_("No item matches.")), groups=groups)
    title = t(N_("%(plan)s work register (as of %(date)s)"), plan=plan_title(report),
              date=t.date(report["day"]))
    doc = paper(t, report, title, [section], name="register", extra=_filters(t, report),
                signed=False)
    doc.landscape = True
    return doc


def _filters(t: Lang, report: Row) -> str:
    f = report["filters"]
    parts = [t(N_("unit: %(name)s"), name=f["unit"]) if f["unit"] else "",
             t(N_("leader: %(name)s"), name=f["leader"]) if f["leader"] else "",
             t(N_("person responsible: %(name)s"), name=f["owner"]) if f["owner"] else "",
             t(N_("light: %(name)s"), name=labels.light(t, f["light"])) if f["light"] else ""]
    return ("，" if t.zh else ", ").join(p for p in parts if p)
