"""The ledger and the final review as XLSX (xlsxwriter) and DOCX (python-docx)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO, Any

import xlsxwriter
from docx import Document
from flask_babel import gettext as _

from tracker.auditchain import neutralise
from tracker.grading import CRITERIA
from web.reports.data import COLUMNS
from web.reports.labels import column, direction, grade, nomination

Row = dict[str, Any]
Table = tuple[str, list[str], list[list[Any]]]  # title, header, rows
LEDGER_KEYS = ("person", *COLUMNS)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def source_table(report: Row) -> Table:
    """Where the figures come from: plan, day judged, event sequence number, chain head."""
    src = report["source"]
    return (_("Source"), [_("Field"), _("Value")], [
        [_("Plan"), report["plan_key"] or _("All plans")],
        [_("As of"), _text(report["as_of"] or report["day"])],
        [_("Event sequence number"), src["seq"]], [_("Audit chain head"), src["chain_head"]],
        [_("Events in the chain"), src["count"]]])


def ledger_table(report: Row) -> Table:
    """One row per person with every figure of the ledger."""
    return (_("Responsibility ledger"), [column(k) for k in LEDGER_KEYS],
            [[r[k] for k in LEDGER_KEYS] for r in report["rows"]])


def review_tables(report: Row) -> list[Table]:
    """The final review's tables, in the order the document shows them."""
    prog = report["progress"]
    scopes = [(_("Plan"), report["plan_key"], "", prog["plan"])]
    scopes += [(_("Goal"), g["key"], g["title"], g) for g in prog["goals"]]
    scopes += [(_("Phase"), p["key"], p["title"], p) for p in prog["phases"]]
    grades = [[unit, g["label"], _text(g["on"]), g["score"], grade(g["grade"]),
               *[g["self_scores"][c] for c in CRITERIA],
               *[g["superior_scores"][c] for c in CRITERIA]]
              for unit, history in sorted(report["grades"].items()) for g in history]
    exceptions = ([[_("Done late"), i["key"], i["title"], _text(i["due"]), _text(i["on"]), ""]
                   for i in report["late"]]
                  + [[_("Overdue"), i["key"], i["title"], "", "", _("%(n)s days", n=i["days"])]
                     for i in report["overdue"]]
                  + [[_("Returned"), i["key"], i["title"], "", "", i["reason"]]
                     for i in report["returned"]]
                  + [[_("Cancelled"), i["key"], i["title"], _text(i["due"]), "", i["reason"]]
                     for i in report["cancelled"]])  # not a status: a section
    return [
        source_table(report),
        (_("Progress"), [_("Scope"), _("Key"), _("Title"), _("Items"), _("Done"),
                         _("Percent done"), _("Overdue")],
         [[s, k, t, x["total"], x["done"], x["percent_done"], x["overdue"]]  # not a status
          for s, k, t, x in scopes]),
        ledger_table(report),
        (_("Unit grades"), [_("Unit"), _("Assessment"), _("Date"), _("Score"), _("Grade"),
                            *[f"{_('Self')}: {c}" for c in CRITERIA],
                            *[f"{_('Superior')}: {c}" for c in CRITERIA]], grades),
        (_("Movement"), [_("Unit"), _("Direction"), _("From"), _("To"), _("Grade before"),
                         _("Grade after")],
         [[m["unit"], direction(m["direction"]), m["from_label"], m["to_label"],
           grade(m["from_grade"]), grade(m["to_grade"])] for m in report["movement"]]),
        (_("Late, cancelled and returned items"), [_("Kind"), _("Key"), _("Title"),
                                                   _("Due date"), _("Done on"), _("Reason")],
         exceptions),
        nominations_table(report),
    ]


def nominations_table(report: Row) -> Table:
    """Advanced units and outstanding members nominated 评选推荐, with their reasons."""
    found = report.get("nominations") or {"standing": [], "withdrawn": []}
    rows = [[nomination(n["kind"]), n["nominee"], n["name"], n["reason"], n["actor"],
             _text(n["on"]), "", ""] for n in found["standing"]]
    rows += [[nomination(n["kind"]), n["nominee"], n["name"], n["reason"], n["actor"],
              _text(n["on"]), _text(n["withdrawn_on"]), n["withdrawn_reason"]]
             for n in found["withdrawn"]]
    return (_("Nominations"), [_("Nominated as"), _("Key"), _("Name"), _("Reason"),
                               _("Nominated by"), _("Nominated on"), _("Withdrawn on"),
                               _("Reason for withdrawal")], rows)


def write_xlsx(target: str | IO[bytes], tables: Sequence[Table]) -> None:
    """One sheet per table; text as neutralised strings, numbers as numbers, no formulas."""
    workbook = xlsxwriter.Workbook(target, {"strings_to_formulas": False,
                                            "strings_to_urls": False})
    try:
        bold = workbook.add_format({"bold": True})
        for n, (title, header, rows) in enumerate(tables, 1):
            sheet = workbook.add_worksheet(f"{n} {title}"[:31].replace("/", " "))
            for col, name in enumerate(header):
                sheet.write_string(0, col, str(neutralise(name)), bold)
            for r, row in enumerate(rows, 1):
                _write_row(sheet, r, row)
    finally:
        workbook.close()


def _write_row(sheet: Any, r: int, row: Iterable[Any]) -> None:
    for col, value in enumerate(row):
        if isinstance(value, int | float) and not isinstance(value, bool):
            sheet.write_number(r, col, value)
        else:
            sheet.write_string(r, col, str(neutralise(_text(value))))


def write_docx(target: str | IO[bytes], title: str, tables: Sequence[Table]) -> None:
    """A Word document: a heading, then each table under its own heading."""
    doc = Document()
    doc.add_heading(title, level=0)
    for name, header, rows in tables:
        doc.add_heading(name, level=1)
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = str(text)
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = _text(value)
    doc.save(target)


def ledger_export(report: Row, fmt: str, target: str | IO[bytes]) -> None:
    """The leader ledger as xlsx or docx."""
    tables = [ledger_table(report), source_table(report)]
    if fmt == "xlsx":
        write_xlsx(target, tables)
    else:
        write_docx(target, _("Responsibility report per leader"), tables)


def review_export(report: Row, fmt: str, target: str | IO[bytes]) -> None:
    """The final review as xlsx or docx."""
    if fmt == "xlsx":
        write_xlsx(target, review_tables(report))
    else:
        title = report["plan"]["title"] if report["plan"] else report["plan_key"]
        write_docx(target, _("Final review: %(title)s", title=title), review_tables(report))
