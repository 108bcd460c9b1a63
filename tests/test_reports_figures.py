"""The scenario's written table of figures on the report page, the XLSX, the DOCX and as of."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import openpyxl
from docx import Document
from flask import Flask
from reports_scenario import *  # noqa: F403  (fixtures clock, scenario)
from reports_scenario import EXPECTED_MAY_10, EXPECTED_TODAY, FIGURES, KEY_OF, figures
from webfixtures import login, services_of

from projections.reports import data

CELL = re.compile(r'<td data-figure="(\w+)">([^<]*)</td>')
ROW = re.compile(r'<tr data-person="(\w+)">(.*?)</tr>', re.S)


def page_table(html: str) -> dict[str, dict[str, Any]]:
    """The summary table of the page as {person: {figure: value}}."""
    out = {}
    for person, cells in ROW.findall(html):
        out[person] = {k: (int(v) if v else None) for k, v in CELL.findall(cells)}
    return out


def test_ledger_query_gives_the_written_table(scenario: Flask) -> None:
    report = data.leaders(services_of(scenario).queries, "web")
    assert {r["person"]: figures(r) for r in report["rows"]} == EXPECTED_TODAY


def test_report_page_shows_the_written_table(scenario: Flask) -> None:
    client = scenario.test_client()
    login(client, "leader")
    response = client.get("/reports/leaders?plan=web")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert page_table(html) == EXPECTED_TODAY
    assert html.count('src="data:image/svg+xml;base64,') == 3


def test_summary_sorts_by_a_column(scenario: Flask) -> None:
    client = scenario.test_client()
    login(client, "leader")
    html = client.get("/reports/leaders?plan=web&sort=owned&desc=1").get_data(as_text=True)
    assert [p for p, _ in ROW.findall(html)][:2] == ["owner", "chief"]


def test_xlsx_holds_the_same_figures(scenario: Flask) -> None:
    client = scenario.test_client()
    login(client, "leader")
    response = client.get("/reports/leaders.xlsx?plan=web")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A5" and sheet.page_setup.orientation == "landscape"
    rows = [r for r in sheet.iter_rows(min_row=5, values_only=True) if r[0] in KEY_OF]
    keys = ("name", *FIGURES)
    table = {KEY_OF[r[0]]: {k: (None if r[i] == "" else r[i]) for i, k in enumerate(keys)
                            if k in FIGURES} for r in rows}
    assert table == EXPECTED_TODAY
    source = dict(r[:2] for r in book.worksheets[-1].iter_rows(min_row=5, values_only=True))
    assert len(next(v for v in source.values() if isinstance(v, str) and len(v) == 64)) == 64


def test_docx_holds_the_same_figures(scenario: Flask) -> None:
    client = scenario.test_client()
    login(client, "leader")
    doc = Document(io.BytesIO(client.get("/reports/leaders.docx?plan=web").data))
    table = doc.tables[0]
    by_person = {}
    for row in table.rows[1:]:
        cells = [c.text for c in row.cells]
        by_person[KEY_OF[cells[0]]] = {k: (int(v) if v else None)
                                       for k, v in zip(FIGURES, cells[1:], strict=True)}
    assert by_person == EXPECTED_TODAY


def test_report_as_of_a_past_date_differs_by_what_happened_since(scenario: Flask) -> None:
    q = services_of(scenario).queries
    past = data.leaders(q, "web", as_of=date(2012, 5, 10))
    assert {r["person"]: figures(r) for r in past["rows"]} == EXPECTED_MAY_10
    now = data.leaders(q, "web")
    # As in effect counts every fact known now; as recorded, only the events recorded by then.
    assert past["view"].basis == "effect" and past["source"]["seq"] == now["source"]["seq"]
    recorded = data.leaders(q, "web", as_of=date(2012, 5, 10), basis="recorded")
    assert recorded["source"]["seq"] < now["source"]["seq"]
    client = scenario.test_client()
    login(client, "leader")
    html = client.get("/reports/leaders?plan=web&as_of=2012-05-10").get_data(as_text=True)
    assert page_table(html) == EXPECTED_MAY_10


def test_person_page_drills_down_to_the_items(scenario: Flask) -> None:
    client = scenario.test_client()
    login(client, "member")
    html = client.get("/reports/leaders/owner?plan=web").get_data(as_text=True)
    overdue = html.split('data-figure="overdue"')[1].split("</tr>")[0]
    assert "Item d" in overdue and "17" in overdue
    assert "/calendar/owner/" in html  # their own private feed


def test_bad_as_of_is_refused(scenario: Flask) -> None:
    client = scenario.test_client()
    login(client, "leader")
    assert client.get("/reports/leaders?as_of=yesterday").status_code == 422


def test_api_gives_the_same_figures_as_the_written_table(scenario: Flask) -> None:
    from webfixtures import api_token, bearer

    client = scenario.test_client()
    headers = bearer(api_token(scenario, "viewer"))
    response = client.get("/api/reports/leaders?plan=web", headers=headers)
    assert response.status_code == 200
    rows = {r["person"]: r for r in response.get_json()["leaders"]}
    counts = tuple(f for f in FIGURES if f != "on_time_rate")
    expected = {p: {k: v[k] for k in counts} for p, v in EXPECTED_TODAY.items()}
    assert {p: {k: rows[p][k] for k in counts} for p in expected} == expected
    past = client.get("/api/reports/leaders?plan=web&as_of=2012-05-10", headers=headers)
    rows = {r["person"]: r for r in past.get_json()["leaders"]}
    expected = {p: {k: v[k] for k in counts} for p, v in EXPECTED_MAY_10.items()}
    assert {p: {k: rows[p][k] for k in counts} for p in expected} == expected
