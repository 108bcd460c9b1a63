"""Nominations 评选推荐: events with reasons, refusals, the projection, and the final review."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa
from docx import Document
from flask import Flask
from reports_scenario import *  # noqa: F403  (fixtures clock, scenario)
from reports_scenario import FrozenClock
from webfixtures import csrf_token, login, services_of

from projections import tables as t
from projections.engine import ReadModels
from projections.nominations import plan_nominations
from tracker.application import TrackerApplication
from tracker.errors import (
    IllegalStateError,
    PermissionDeniedError,
    UnknownReferenceError,
    ValidationError,
)
from tracker.grading import DuplicateNominationError, NotNominatedError
from tracker.permissions import SYSTEM, Actor
from tracker.storage import Store

LEADER = Actor("chief", "leader", "leader")
MEMBER = Actor("owner", "member", "member")


@pytest.fixture
def planned(app: TrackerApplication, store: Store) -> Iterator[ReadModels]:
    app.create_plan(SYSTEM, key="p", title="Plan", starts=date(2012, 3, 20),
                    ends=date(2012, 12, 31), goals=[], phases=[])
    app.add_unit(SYSTEM, "u1", "Unit 1")
    app.add_person(SYSTEM, "ann", "Ann")
    app.add_person(SYSTEM, "chief", "Chief", "deputy")
    app.set_leadership(SYSTEM, "p", {"chief": "deputy"})
    rm = ReadModels(app, store)
    rm.create_tables()
    yield rm
    rm.close()


def test_nomination_and_withdrawal_are_events_with_reasons(
        app: TrackerApplication, planned: ReadModels) -> None:
    app.nominate(SYSTEM, "p", kind="unit", key="u1", reason="all five criteria met")
    app.nominate(LEADER, "p", kind="person", key="ann", reason="led the training")
    app.withdraw_nomination(LEADER, "p", kind="person", key="ann", reason="moved away")
    planned.catch_up()
    found = plan_nominations(planned.engine, "p")
    assert [(n["kind"], n["nominee"], n["reason"]) for n in found["standing"]] == [
        ("unit", "u1", "all five criteria met")]
    assert [(n["nominee"], n["withdrawn_reason"], n["withdrawn_by"])
            for n in found["withdrawn"]] == [("ann", "moved away", "chief")]
    # a rebuild gives the same rows
    planned.rebuild(["nominations"])
    assert plan_nominations(planned.engine, "p") == found
    # the audit trail files the events under the plan
    with planned.engine.connect() as conn:
        plans = set(conn.execute(sa.select(t.audit.c.plan_key).where(
            t.audit.c.event_type.in_(["Nominated", "NominationWithdrawn"]))).scalars())
    assert plans == {"p"}


def test_refusals_are_named_and_change_nothing(app: TrackerApplication,
                                               planned: ReadModels) -> None:
    app.nominate(SYSTEM, "p", kind="unit", key="u1", reason="advanced")
    version = app.get_plan("p").version
    with pytest.raises(DuplicateNominationError) as dup:
        app.nominate(LEADER, "p", kind="unit", key="u1", reason="again")
    assert isinstance(dup.value, IllegalStateError) and dup.value.code == "duplicate_nomination"
    with pytest.raises(ValidationError, match="reason"):
        app.nominate(SYSTEM, "p", kind="person", key="ann", reason="  ")
    with pytest.raises(UnknownReferenceError):
        app.nominate(SYSTEM, "p", kind="unit", key="nope", reason="r")
    with pytest.raises(UnknownReferenceError):
        app.nominate(SYSTEM, "p", kind="person", key="nope", reason="r")
    with pytest.raises(ValidationError):
        app.nominate(SYSTEM, "p", kind="team", key="u1", reason="r")
    with pytest.raises(PermissionDeniedError):
        app.nominate(MEMBER, "p", kind="person", key="ann", reason="r")
    with pytest.raises(NotNominatedError):
        app.withdraw_nomination(SYSTEM, "p", kind="person", key="ann", reason="r")
    assert app.get_plan("p").version == version
    # after a withdrawal the unit may be nominated again
    app.withdraw_nomination(SYSTEM, "p", kind="unit", key="u1", reason="mistake")
    app.nominate(SYSTEM, "p", kind="unit", key="u1", reason="now deserved")
    planned.catch_up()
    found = plan_nominations(planned.engine, "p")
    assert [n["reason"] for n in found["standing"]] == ["now deserved"]
    assert [n["reason"] for n in found["withdrawn"]] == ["advanced"]


def _nominate_on_dates(app: Flask, clock: FrozenClock) -> None:
    svc = services_of(app)
    clock.set(6, 1)
    svc.tracker.nominate(SYSTEM, "web", kind="unit", key="u1", reason="best branch")
    clock.set(6, 2)
    svc.tracker.nominate(LEADER, "web", kind="person", key="owner", reason="finished on time")
    clock.set(6, 3)
    svc.tracker.withdraw_nomination(SYSTEM, "web", kind="unit", key="u1", reason="recount")
    svc.sync(svc.tracker.recorder.max_notification_id())


def test_review_page_docx_and_xlsx_show_nominations_as_of(scenario: Flask,
                                                          clock: FrozenClock) -> None:
    _nominate_on_dates(scenario, clock)
    client = scenario.test_client()
    login(client, "viewer")
    html = client.get("/reports/review?plan=web").get_data(as_text=True)
    section = html.split('id="nominations"')[1]
    assert 'data-nominee="person:owner"' in section and "finished on time" in section
    assert "recount" in section  # the withdrawal with its reason
    assert 'id="nominate"' not in html  # viewers cannot nominate
    earlier = client.get("/reports/review?plan=web&as_of=2012-06-01").get_data(as_text=True)
    standing = earlier.split('id="nominations-table"')[1].split("</table>")[0]
    assert 'data-nominee="unit:u1"' in standing and "best branch" in standing
    assert "person:owner" not in standing
    doc = Document(io.BytesIO(client.get("/reports/review.docx?plan=web").data))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Nominated as")
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert rows[0][:3] == ["Outstanding member", "负责人", "finished on time"]
    assert rows[1][0] == "Advanced unit" and rows[1][-1] == "recount"
    book = openpyxl.load_workbook(io.BytesIO(
        client.get("/reports/review.xlsx?plan=web&as_of=2012-06-02").data))
    sheet = next(s for s in book.worksheets if "Nominations" in s.title)
    assert [r[:3] for r in sheet.iter_rows(min_row=5, max_row=6, values_only=True)] == [
        ("Advanced unit", "第一支部", "best branch"),
        ("Outstanding member", "负责人", "finished on time")]


def test_leader_nominates_and_withdraws_from_the_review_page(scenario: Flask) -> None:
    client = scenario.test_client()
    login(client, "leader")
    token = csrf_token(client, "/reports/review?plan=web")
    assert client.post("/reports/review/nominations", data={
        "plan": "web", "nominee": "unit:u2", "reason": "x"}).status_code == 400  # no CSRF
    response = client.post("/reports/review/nominations", data={
        "csrf_token": token, "plan": "web", "nominee": "unit:u2", "reason": "model branch"})
    assert response.status_code == 302
    again = client.post("/reports/review/nominations", data={
        "csrf_token": token, "plan": "web", "nominee": "unit:u2", "reason": "twice"},
        follow_redirects=True).get_data(as_text=True)
    assert "already nominated" in again and "model branch" in again
    client.post("/reports/review/nominations", data={
        "csrf_token": token, "plan": "web", "nominee": "unit:u2", "action": "withdraw",
        "reason": "duplicate of u1"})
    found = plan_nominations(services_of(scenario).read_models.engine, "web")
    assert found["standing"] == [] and found["withdrawn"][0]["withdrawn_reason"] == (
        "duplicate of u1")
    member = scenario.test_client()
    login(member, "member")
    token = csrf_token(member, "/reports/review?plan=web")
    assert member.post("/reports/review/nominations", data={
        "csrf_token": token, "plan": "web", "nominee": "unit:u2",
        "reason": "me"}).status_code == 403
