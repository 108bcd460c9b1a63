"""The leader report and the final review 总结考评 as documents, in a 总结考评 reading order."""

from __future__ import annotations

from datetime import date
from typing import Any

from projections.reports import labels
from projections.reports.document import Column, Document, Section
from projections.reports.i18n import Lang
from projections.reports.papers import paper, plan_title
from tracker.domain import WorkItem
from tracker.domain.lifecycle import AS_ADMIN
from tracker.errors import N_
from tracker.grading import CRITERIA

Row = dict[str, Any]
FIGURES = ("owned", "done", "done_on_time", "done_late", "done_late_original", "open",
           "overdue", "overdue_days", "reassigned_to", "reassigned_away",
           "extensions_requested", "extensions_granted", "extensions_refused",
           "deadline_changes", "deliverable_changes", "returned", "chased", "reports_missed",
           "on_time_rate")


def ledger_section(t: Lang, report: Row) -> Section:
    """One row per person (by rank) with every figure of the ledger."""
    columns = [Column(labels.column(t, "name"), 8)]
    columns += [Column(labels.column(t, k), 4.2, numeric=True) for k in FIGURES]
    rows = [[r["name"], *[r[k] for k in FIGURES]] for r in report["rows"]]
    return Section(t(N_("Responsibility per leader")), columns, rows,
                   empty=t(N_("Nobody is responsible for anything yet.")))


def handovers_section(t: Lang, report: Row) -> Section:
    """Every handover 接手 / 移交 with its date and the overdue days each side carries."""
    rows = [[h["title"], h["from_name"], h["to_name"], t.date(h["on"]), h["days_from"],
             h["days_to"]] for h in report.get("handovers", [])]
    return Section(t(N_("Handovers")), [
        Column(t(N_("Item")), 24), Column(t(N_("Handed over by")), 8),
        Column(t(N_("Taken over by")), 8), Column(t(N_("Handed over on")), 8),
        Column(t(N_("Overdue days of who handed over")), 7, numeric=True),
        Column(t(N_("Overdue days of who took over")), 7, numeric=True)], rows,
        empty=t(N_("No item changed hands.")), in_csv=True)


def progress_section(t: Lang, report: Row) -> Section:
    """Progress of the whole plan, of each goal and of each phase."""
    prog = report["progress"]
    rows = [[t(N_("Whole plan")), *_counts(prog["plan"])]]
    rows += [[f"{t(N_('Goal'))}：{g['title']}" if t.zh else f"Goal: {g['title']}",
              *_counts(g)] for g in prog["goals"]]
    rows += [[f"{t(N_('Phase'))}：{p['title']}" if t.zh else f"Phase: {p['title']}",
              *_counts(p)] for p in prog["phases"]]
    return Section(t(N_("Progress")), [
        Column(t(N_("Scope")), 30), Column(t(N_("Items")), 6, True),
        Column(t(N_("Done")), 6, True), Column(t(N_("Percent done")), 7, True),
        Column(t(N_("Overdue")), 6, True)], rows)


def _counts(x: Row) -> list[Any]:
    return [x["total"], x["done"], x["percent_done"], x["overdue"]]  # not a status


def _dated(t: Lang, grade: Row) -> str:
    """The assessment's date, and both dates when it was back-filled (补录)."""
    mark = grade.get("backfilled")
    if not mark:
        return t.date(grade["on"])
    return t(N_("Back-filled: took effect on %(on)s, entered on %(entered)s."),
             on=t.date(mark["on"]), entered=t.date(mark["entered"]))


def grades_section(t: Lang, report: Row) -> Section:
    """Every assessment of every unit (units in the plan's order) with its scores."""
    rows = [[u["name"], g["label"], _dated(t, g), round(g["score"], 1),
             labels.grade(t, g["grade"]), *[g["self_scores"][c] for c in CRITERIA],
             *[g["superior_scores"][c] for c in CRITERIA]]
            for u in report["graded"] for g in u["history"]]
    columns = [Column(t(N_("Unit")), 8), Column(t(N_("Assessment")), 7),
               Column(t(N_("Date")), 7), Column(t(N_("Score")), 4, True),
               Column(t(N_("Grade")), 4)]
    columns += [Column(t(N_("Self: %(criterion)s"), criterion=labels.criterion(t, c)), 4, True)
                for c in CRITERIA]
    columns += [Column(t(N_("Superior: %(criterion)s"), criterion=labels.criterion(t, c)), 4,
                       True) for c in CRITERIA]
    return Section(t(N_("Unit grades")), columns, rows, empty=t(N_("No assessments yet.")))


def movement_section(t: Lang, report: Row) -> Section:
    """Units that moved up or down a grade 晋位升级."""
    rows = [[m["unit_name"], labels.direction(t, m["direction"]), m["from_label"],
             m["to_label"], labels.grade(t, m["from_grade"]), labels.grade(t, m["to_grade"])]
            for m in report["movement"]]
    return Section(t(N_("Upgrades and downgrades")), [
        Column(t(N_("Unit")), 10), Column(t(N_("Direction")), 6), Column(t(N_("From")), 9),
        Column(t(N_("To")), 9), Column(t(N_("Grade before")), 6),
        Column(t(N_("Grade after")), 6)], rows, empty=t(N_("No unit changed grade.")))


def nominations_section(t: Lang, report: Row) -> Section:
    """Advanced units and outstanding members nominated 评选推荐, with their reasons."""
    found = report.get("nominations") or {"standing": [], "withdrawn": []}
    rows = [[labels.nomination(t, n["kind"]), n["name"], n["reason"], n["actor_name"],
             t.date(n["on"]), "", ""] for n in found["standing"]]
    rows += [[labels.nomination(t, n["kind"]), n["name"], n["reason"], n["actor_name"],
              t.date(n["on"]), t.date(n["withdrawn_on"]), n["withdrawn_reason"]]
             for n in found["withdrawn"]]
    return Section(t(N_("Nominations")), [
        Column(t(N_("Nominated as")), 6), Column(t(N_("Name")), 9), Column(t(N_("Reason")), 20),
        Column(t(N_("Nominated by")), 6), Column(t(N_("Nominated on")), 7),
        Column(t(N_("Withdrawn on")), 7), Column(t(N_("Reason for withdrawal")), 14)], rows,
        empty=t(N_("No nominations yet.")))


def exceptions_section(t: Lang, report: Row) -> Section:
    """Overdue, late, returned and cancelled items, each with its person and reason."""
    rows = ([[t(N_("Overdue")), i["title"], i["owner_name"], "",
              t(N_("%(n)s days overdue"), n=i["days"])]
             for i in report["overdue"]]
            + [[t(N_("Done late")), i["title"], i["owner_name"], t.date(i["due"]),
                t(N_("done %(on)s"), on=t.date(i["on"]))] for i in report["late"]]
            + [[t(N_("Returned")), i["title"], i.get("owner_name", ""), "", i["reason"]]
               for i in report["returned"]]
            + [[t(N_("Cancelled")), i["title"], i["owner_name"], t.date(i["due"]), i["reason"]]
               for i in report["cancelled"]])  # not a status: a section
    return Section(t(N_("Overdue, late, returned and cancelled items")), [
        Column(t(N_("Kind")), 5), Column(t(N_("Item")), 26), Column(t(N_("Responsible person")), 8),
        Column(t(N_("Due date")), 8), Column(t(N_("Details")), 24)], rows,
        empty=t(N_("No item is overdue, late, returned or cancelled.")))


CHANGE_KINDS = {WorkItem.ExtensionGranted.__name__: N_("Due date moved"),
                WorkItem.ExtensionRefused.__name__: N_("Due date change refused"),
                WorkItem.DeliverableChanged.__name__: N_("Deliverable changed")}


def _decider(t: Lang, change: Row) -> str:
    who = change["decided_by"] or t(N_("Administrator"))
    return t(AS_ADMIN, who=who) if change["as_admin"] else who


def _value(t: Lang, value: Any) -> str:
    if not value:
        return "—"
    try:
        return t.date(date.fromisoformat(value)) if isinstance(value, str) else str(value or "")
    except ValueError:
        return value  # a deliverable is text, not a date


def changes_section(t: Lang, report: Row) -> Section:
    """Each decision on an item's due date or deliverable: who asked, who decided, why."""
    rows = [[t(CHANGE_KINDS[c["event_type"]]), c["title"], c["owner_name"],
             t(N_("%(old)s → %(new)s"), old=_value(t, c["old"]), new=_value(t, c["new"])),
             c["asked_by"], _decider(t, c), t.date(c["on"]), c["reason"]]
            for c in report.get("changes", [])]
    return Section(t(N_("Changes of due dates and deliverables")), [
        Column(t(N_("Kind")), 6), Column(t(N_("Item")), 16),
        Column(t(N_("Responsible person")), 7), Column(t(N_("Change")), 18),
        Column(t(N_("Asked by")), 6), Column(t(N_("Decided by")), 8),
        Column(t(N_("Decided on")), 7), Column(t(N_("Reason")), 12)], rows,
        empty=t(N_("No due date or deliverable was changed.")))


def source_section(t: Lang, report: Row) -> Section:
    """Where the figures come from (last, as the provenance of the paper)."""
    src = report["source"]
    rows = [[t(N_("Plan")), plan_title(report) or t(N_("All plans"))],
            [t(N_("As of")), t.date(report["as_of"] or report["day"])],
            *([[t(N_("Meaning")), t(N_("as recorded")) if view.recorded else
                t(N_("as in effect"))]] if (view := report.get("view")) is not None else []),
            [t(N_("Event sequence number")), src["seq"]],
            [t(N_("Audit chain head")), src["chain_head"]],
            [t(N_("Events in the chain")), src["count"]]]
    return Section(t(N_("Provenance")), [Column(t(N_("Field")), 12),
                                         Column(t(N_("Value")), 40)], rows)


def ledger_paper(t: Lang, report: Row) -> Document:
    """The responsibility report per leader as a document."""
    title = t(N_("Responsibility report per leader"))
    if plan_title(report):
        title = t(N_("%(plan)s: responsibility report per leader"), plan=plan_title(report))
    return paper(t, report, title, [ledger_section(t, report), handovers_section(t, report),
                                    source_section(t, report)], name="ledger")


def review_paper(t: Lang, report: Row) -> Document:
    """The final review: progress → per leader → grades and upgrades → nominations →
    exceptions → provenance, then the signature and seal block."""
    sections = [progress_section(t, report), ledger_section(t, report),
                grades_section(t, report), movement_section(t, report),
                nominations_section(t, report), exceptions_section(t, report),
                changes_section(t, report), source_section(t, report)]
    title = t(N_("%(plan)s: final review"), plan=plan_title(report))
    return paper(t, report, title, sections, name="review")
