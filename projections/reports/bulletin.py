"""The bulletin 通报 of a period: lights, completions, new and lasting overdue items, rankings."""

from __future__ import annotations

from datetime import date
from typing import Any

from projections.lights import LIGHTS, OPEN
from projections.queries import Queries
from projections.reports import labels
from projections.reports.data import leaders
from projections.reports.document import Column, Document, Light, Section
from projections.reports.i18n import Lang
from projections.reports.order import LAST, unit_rank
from projections.reports.papers import paper, plan_title
from projections.reports.register import register
from tracker.domain.status import Status
from tracker.errors import N_, ValidationError

Row = dict[str, Any]


def bulletin(q: Queries, plan_key: str, start: date, end: date) -> Row:
    """What happened between two days (inclusive), judged as the record stood at the end."""
    if end < start:
        raise ValidationError(N_("The period must not end before it starts."))
    report = register(q, plan_key, end)
    cards = [c for c in report["items"] if c["status"] != Status.CANCELLED]
    done_in = [c for c in cards if c["completion"] and c["status"] not in OPEN
               and start <= _day(c["completion"]["on"]) <= end]
    open_late = [c for c in cards if c["status"] in OPEN and c["due"] < end]
    newly = [c for c in open_late if c["due"] >= start]
    still = [c for c in open_late if c["due"] < start]
    lights = {k: sum(1 for c in cards if c["light"] == k) for k in LIGHTS}
    people = leaders(q, plan_key, end)["rows"]
    return {**report, "start": start, "end": end, "done_in": done_in, "newly": newly,
            "still": still, "lights": lights, "closed": sum(1 for c in cards if not c["light"]),
            "total": len(cards), "units_ranked": _units(q, cards),
            "people_ranked": sorted((p for p in people if p["owned"]), key=lambda p: (
                -(p["on_time_rate"] or 0), p["overdue"], -p["done"]))}  # not a status


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _units(q: Queries, cards: list[Row]) -> list[Row]:
    ranks = unit_rank(q.rm)
    out: dict[str, Row] = {}
    for card in cards:
        unit = out.setdefault(card["lead_unit"], {"key": card["lead_unit"], "finished": 0,
                                                  "name": card["lead_unit_name"], "led": 0,
                                                  "red": 0})
        unit["led"] += 1
        unit["finished"] += card["status"] not in OPEN
        unit["red"] += card["light"] == "red"
    for unit in out.values():
        unit["percent"] = round(100 * unit["finished"] / unit["led"]) if unit["led"] else 0
    return sorted(out.values(), key=lambda u: (-u["percent"], u["red"],
                                               ranks.get(u["key"], (LAST, u["key"]))))


def _item_rows(t: Lang, cards: list[Row], end: date, late: bool) -> list[list[Any]]:
    sep = "、" if t.zh else ", "
    rows = []
    for n, c in enumerate(cards, 1):
        tail = (t(N_("%(n)s days overdue"), n=(end - c["due"]).days) if late else
                t.date(_day(c["completion"]["on"])))
        rows.append([n, c["title"], sep.join(c["leader_names"]), c["owner_name"],
                     c["lead_unit_name"], t.date(c["due"]), tail])
    return rows


def _item_columns(t: Lang, last: str) -> list[Column]:
    return [Column(t(N_("No.")), 3, True), Column(t(N_("Supervised item")), 22),
            Column(t(N_("Responsible leader")), 6), Column(t(N_("Person responsible")), 6),
            Column(t(N_("Lead unit")), 8), Column(t(N_("Deadline")), 8.5), Column(last, 9)]


def bulletin_paper(t: Lang, report: Row) -> Document:
    """The bulletin as a document ready to circulate."""
    end = report["end"]
    lights = [[Light(k, labels.light(t, k)), report["lights"][k]] for k in LIGHTS]
    lights += [[t(N_("Closed")), report["closed"]], [t(N_("Total")), report["total"]]]
    sections = [
        Section(t(N_("Overall")), [Column(t(N_("Traffic light")), 10),
                                   Column(t(N_("Items")), 6, True)], lights),
        Section(t(N_("Completed in the period")),
                _item_columns(t, t(N_("Completed on"))),
                _item_rows(t, report["done_in"], end, False),
                empty=t(N_("No item was completed in the period."))),
        Section(t(N_("Newly overdue")), _item_columns(t, t(N_("Overdue"))),
                _item_rows(t, report["newly"], end, True),
                empty=t(N_("No item fell overdue in the period."))),
        Section(t(N_("Still overdue")), _item_columns(t, t(N_("Overdue"))),
                _item_rows(t, report["still"], end, True),
                empty=t(N_("No item is still overdue."))),
        Section(t(N_("Units ranked")), [
            Column(t(N_("Rank")), 4, True), Column(t(N_("Unit")), 12),
            Column(t(N_("Items led")), 6, True), Column(t(N_("Done")), 6, True),
            Column(t(N_("Percent done")), 7, True), Column(t(N_("Red lights")), 6, True)],
            [[n, u["name"], u["led"], u["finished"], u["percent"], u["red"]]
             for n, u in enumerate(report["units_ranked"], 1)],
            empty=t(N_("No unit leads an item."))),
        Section(t(N_("People ranked")), [
            Column(t(N_("Rank")), 4, True), Column(t(N_("Person")), 10),
            Column(labels.column(t, "owned"), 6, True),
            Column(labels.column(t, "done"), 6, True),  # not a status: a figure
            Column(labels.column(t, "on_time_rate"), 7, True),
            Column(labels.column(t, "overdue"), 6, True)],
            [[n, p["name"], p["owned"], p["done"], p["on_time_rate"], p["overdue"]]  # not a status
             for n, p in enumerate(report["people_ranked"], 1)],
            empty=t(N_("Nobody is responsible for anything yet."))),
    ]
    title = t(N_("%(plan)s progress bulletin (%(start)s to %(end)s)"), plan=plan_title(report),
              start=t.date(report["start"]), end=t.date(end))
    return paper(t, report, title, sections, name="bulletin")
