"""The final review (page, DOCX, XLSX, CLI), grade movement on it."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from docx import Document
from flask import Flask
from reports_scenario import *  # noqa: F403  (fixtures clock, scenario)
from reports_scenario import EXPECTED_TODAY, FIGURES, KEY_OF
from webfixtures import login, services_of

from tracker.cli import main
from tracker.grading import CRITERIA
from tracker.permissions import SYSTEM


def assess(app: Flask) -> None:
    svc = services_of(app)
    for label, own, superior in (("H1", 70, 65), ("H2", 85, 80)):
        svc.tracker.assess_unit(SYSTEM, "u1", "web", label=label,
                                self_scores=dict.fromkeys(CRITERIA, own),
                                superior_scores=dict.fromkeys(CRITERIA, superior))
    svc.sync(svc.tracker.recorder.max_notification_id())


def test_review_page_shows_movement_and_reasons(scenario: Flask) -> None:
    assess(scenario)
    client = scenario.test_client()
    login(client, "viewer")
    html = client.get("/reports/review?plan=web").get_data(as_text=True)
    paper = html.split('id="review-paper"')[1]
    moves = paper.split("Upgrades and downgrades")[1]
    assert "第一支部" in moves.split("</table>")[0] and "Moved up" in moves.split("</table>")[0]
    assert "incomplete minutes" in paper and "no longer needed" in paper
    assert "Item c" in paper.split("Overdue, late, returned and cancelled items")[1]


def test_review_docx_and_xlsx_hold_the_ledger_and_grades(scenario: Flask) -> None:
    assess(scenario)
    client = scenario.test_client()
    login(client, "leader")
    doc = Document(io.BytesIO(client.get("/reports/review.docx?plan=web").data))
    ledger = next(t for t in doc.tables if t.rows[0].cells[0].text == "Person")
    owner = next([c.text for c in r.cells] for r in ledger.rows if r.cells[0].text == "负责人")
    assert owner[1:] == ["" if v is None else str(v) for v in EXPECTED_TODAY["owner"].values()]
    text = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "Moved up" in text and "incomplete minutes" in text
    book = openpyxl.load_workbook(io.BytesIO(client.get("/reports/review.xlsx?plan=web").data))
    grades = next(s for s in book.worksheets if "grades" in s.title)
    rows = [r for r in grades.iter_rows(min_row=5, values_only=True) if r[0] == "第一支部"]
    assert [(r[0], r[1], r[3], r[4]) for r in rows] == [
        ("第一支部", "H1", 67, "Average"), ("第一支部", "H2", 82, "Good")]


def test_cli_exports_ledger_and_review(scenario: Flask, tmp_path: Path) -> None:
    url = services_of(scenario).settings.database_url
    base = ["--db", url, "--instance", str(tmp_path / "cli")]
    out = tmp_path / "ledger.xlsx"
    result = CliRunner().invoke(main, [*base, "export", "ledger", "--plan", "web", "--format",
                                       "xlsx", "--output", str(out), "--as-of", "2012-06-01"])
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(out).worksheets[0].iter_rows(min_row=5, values_only=True))
    owner = next(r for r in rows if KEY_OF.get(r[0]) == "owner")
    assert owner[1 + FIGURES.index("overdue_days")] == 17
    review = tmp_path / "review.docx"
    result = CliRunner().invoke(main, [*base, "export", "review", "--plan", "web", "--format",
                                       "docx", "--output", str(review), "--as-of", "2012-05-10"])
    assert result.exit_code == 0, result.output
    assert Document(str(review)).tables
    bad = CliRunner().invoke(main, [*base, "export", "review", "--plan", "nope", "--output",
                                    str(review)])
    assert bad.exit_code == 2
