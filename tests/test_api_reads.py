"""The API's plans, items, board, reports and audit routes."""

from __future__ import annotations

import json

from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import PLAN_KEY, api_token, bearer, services_of

from tracker.auditchain import verify_chain

NEW_PLAN = """\
plan: {key: api2012, title: 接口方案, starts: 2012-01-01, ends: 2012-12-31}
units: [{key: api_unit, name: 接口支部}]
people: [{key: api_person, name: 接口负责人, role: member}]
items:
  - {title: 接口事项, owner: api_person, lead_unit: api_unit, due: 2012-05-01}
"""
BAD_PLAN = """\
plan: {key: bad, title: 坏方案, starts: 2012-01-01, ends: 2012-12-31}
units: [{key: u9, name: 支部}]
people: [{key: p9, name: 书记, role: group_leader}]
items:
  - {title: 坏负责人, owner: ghost, lead_unit: u9, due: 2012-05-01}
  - {title: 超期, owner: p9, lead_unit: u9, due: 2013-05-01}
"""


def as_(app: Flask, login: str) -> tuple[FlaskClient, dict[str, str]]:
    return app.test_client(), bearer(api_token(app, login))


def test_admin_imports_a_yaml_plan_file(seeded_app: Flask) -> None:
    client, headers = as_(seeded_app, "admin")
    response = client.post("/api/plans", data=NEW_PLAN.encode(),
                           headers={**headers, "Content-Type": "application/yaml"})
    assert response.status_code == 201
    assert response.get_json()["plan"] == "api2012"
    plan = client.get("/api/plans/api2012", headers=headers).get_json()
    assert plan["title"] == "接口方案"
    items = client.get("/api/items?plan=api2012", headers=headers).get_json()["items"]
    assert [i["owner"] for i in items] == ["api_person"]


def test_plan_file_as_json_is_accepted_too(seeded_app: Flask) -> None:
    client, headers = as_(seeded_app, "admin")
    body = {"plan": {"key": "j", "title": "J", "starts": "2012-01-01", "ends": "2012-12-31"}}
    response = client.post("/api/plans", json=body, headers=headers)
    assert response.status_code == 201 and response.get_json()["plan"] == "j"


def test_bad_plan_file_lists_every_problem_by_line_and_writes_nothing(seeded_app: Flask) -> None:
    client, headers = as_(seeded_app, "admin")
    head = services_of(seeded_app).tracker.recorder.max_notification_id()
    response = client.post("/api/plans", data=BAD_PLAN.encode(), headers=headers)
    body = response.get_json()
    assert response.status_code == 422 and body["error"] == "invalid_plan"
    assert {p["line"] for p in body["problems"]} >= {5, 6}
    assert services_of(seeded_app).tracker.recorder.max_notification_id() == head


def test_only_an_admin_imports_plans(seeded_app: Flask) -> None:
    head = services_of(seeded_app).tracker.recorder.max_notification_id()
    for login in ("leader", "member", "viewer"):
        client, headers = as_(seeded_app, login)
        response = client.post("/api/plans", data=NEW_PLAN.encode(), headers=headers)
        assert response.status_code == 403, login
    assert services_of(seeded_app).tracker.recorder.max_notification_id() == head


def test_leader_creates_an_item_and_a_retry_writes_nothing(seeded_app: Flask) -> None:
    client, headers = as_(seeded_app, "leader")
    body = {"plan": PLAN_KEY, "key": "new", "title": "新事项", "owner": "owner",
            "lead_unit": "u1", "units": ["u2"], "due": "2012-10-01", "phase": "P1"}
    first = client.post("/api/items", json=body, headers=headers)
    assert first.status_code == 201
    created = first.get_json()
    assert created["version"] == 1
    card = client.get(f"/api/items/{created['id']}", headers=headers).get_json()
    assert (card["title"], card["owner"], card["units"], card["due"]) == (
        "新事项", "owner", ["u2"], "2012-10-01")
    history = client.get(f"/api/items/{created['id']}/history", headers=headers).get_json()
    assert history["events"][0]["actor"] == "chief"
    again = client.post("/api/items", json=body, headers=headers)
    assert again.status_code == 200 and again.get_json() == created


def test_item_creation_is_refused_to_members_and_checks_its_fields(seeded_app: Flask) -> None:
    body = {"plan": PLAN_KEY, "title": "新事项", "owner": "owner", "lead_unit": "u1",
            "due": "2012-10-01"}
    client, member = as_(seeded_app, "member")
    assert client.post("/api/items", json=body, headers=member).status_code == 403
    _, leader = as_(seeded_app, "leader")
    for change, status in (({"plan": "nope"}, 422), ({"owner": "ghost"}, 422),
                           ({"due": "2013-05-01"}, 422), ({"due": "soon"}, 422),
                           ({"title": None}, 422), ({"colour": "red"}, 422)):
        response = client.post("/api/items", json={**body, **change}, headers=leader)
        assert response.status_code == status, change


def test_items_can_be_filtered(seeded_app: Flask) -> None:
    client, headers = as_(seeded_app, "viewer")
    mine = client.get(f"/api/items?plan={PLAN_KEY}&owner=owner", headers=headers).get_json()
    assert [i["key"] for i in mine["items"]] == ["mine"]
    led = client.get(f"/api/items?plan={PLAN_KEY}&unit=u2", headers=headers).get_json()
    assert [i["key"] for i in led["items"]] == ["theirs"]
    found = client.get("/api/items?q=别人", headers=headers).get_json()
    assert [i["key"] for i in found["items"]] == ["theirs"]
    for bad in ("status=sleeping", "light=blue", "q=%00"):
        assert client.get(f"/api/items?{bad}", headers=headers).status_code == 422, bad
    for bad, field in (("limit=0", "limit"), ("limit=1001", "limit"), ("offset=-1", "offset")):
        response = client.get(f"/api/items?{bad}", headers=headers)
        assert response.status_code == 400, bad
        assert response.get_json()["field"] == field


def test_unknown_things_are_404_in_json(seeded_app: Flask) -> None:
    client, headers = as_(seeded_app, "viewer")
    for url in ("/api/plans/nope", "/api/items/nope", "/api/items/nope/history",
                "/api/units/nope/grades", "/api/board?plan=nope", "/api/no-such-route"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404, url
        assert response.get_json()["error"], url


def test_board_has_a_column_per_status_now_and_as_of_a_date(seeded_app: Flask) -> None:
    client, headers = as_(seeded_app, "viewer")
    board = client.get(f"/api/board?plan={PLAN_KEY}", headers=headers).get_json()
    assert [c["status"] for c in board["columns"]] == ["todo", "doing", "submitted", "done"]
    assert len(board["columns"][0]["cards"]) == 3
    # The seeded events are recorded today: a day in the plan before that shows nothing yet.
    before = client.get(f"/api/board?plan={PLAN_KEY}&as_of=2012-02-01", headers=headers)
    assert before.status_code == 200
    assert all(not c["cards"] for c in before.get_json()["columns"])
    assert before.get_json()["view"]["basis"] == "effect"
    assert client.get("/api/board?as_of=yesterday", headers=headers).status_code == 422
    too_early = client.get(f"/api/board?plan={PLAN_KEY}&as_of=2000-01-01", headers=headers)
    assert too_early.status_code == 422 and "2012-01-01" in too_early.get_json()["message"]


def test_leaders_report_and_unit_grades(seeded_app: Flask) -> None:
    client, headers = as_(seeded_app, "viewer")
    report = client.get(f"/api/reports/leaders?plan={PLAN_KEY}", headers=headers).get_json()
    owner = next(r for r in report["leaders"] if r["person"] == "owner")
    assert owner["owned"] == 1
    grades = client.get("/api/units/u1/grades", headers=headers)
    assert grades.status_code == 200 and grades.get_json() == {"unit": "u1", "grades": []}


def test_unit_grades_list_each_assessment_with_its_grade(seeded_app: Flask) -> None:
    from tracker.grading import CRITERIA
    from tracker.permissions import SYSTEM

    svc = seeded_app.extensions["tracker"]
    for label, self_score, superior in (("first", 70, 65), ("second", 85, 80)):
        result = svc.tracker.assess_unit(
            SYSTEM, "u1", PLAN_KEY, label=label, self_scores=dict.fromkeys(CRITERIA, self_score),
            superior_scores=dict.fromkeys(CRITERIA, superior))
        svc.sync(result.notification_id)
    client, headers = as_(seeded_app, "viewer")
    grades = client.get("/api/units/u1/grades", headers=headers).get_json()["grades"]
    assert [(g["label"], g["grade"], round(g["score"])) for g in grades] == [
        ("first", "average", 67), ("second", "good", 82)]


def test_audit_streams_a_verifiable_chain_and_a_csv(seeded_app: Flask) -> None:
    client, headers = as_(seeded_app, "viewer")
    response = client.get(f"/api/audit?plan={PLAN_KEY}", headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/x-ndjson"
    lines = response.get_data(as_text=True).splitlines()
    assert verify_chain(lines).ok
    records = [json.loads(line) for line in lines[:-1]]
    assert records and all(r["seq"] for r in records)
    head = client.get(f"/api/audit/head?plan={PLAN_KEY}", headers=headers).get_json()
    assert head["chain_head"] == json.loads(lines[-1])["chain_head"]
    assert head["signature"] == json.loads(lines[-1])["signature"]  # the same signed head
    assert verify_chain(lines, head["public_key"]).key_checked
    csv = client.get("/api/audit?format=csv", headers=headers)
    assert csv.mimetype == "text/csv" and csv.get_data(as_text=True).startswith("seq,")
    assert client.get("/api/audit?format=xml", headers=headers).status_code == 422


def test_health_and_spec_need_no_token_but_the_rest_does(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    assert client.get("/api/health").status_code == 200
    assert client.get("/api/openapi.json").status_code == 200
    for url in ("/api/plans", "/api/items", "/api/board", "/api/audit", "/api/audit/head",
                "/api/reports/leaders"):
        response = client.get(url)
        assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"


def test_api_ignores_session_cookies_and_needs_no_csrf(seeded_app: Flask) -> None:
    from webfixtures import login

    client = seeded_app.test_client()
    login(client, "admin")
    assert client.get("/api/plans").status_code == 401
    item_id = services_of(seeded_app).queries.board(PLAN_KEY)[0]["id"]
    response = client.post(f"/api/items/{item_id}/comment", json={"text": "ok"},
                           headers=bearer(api_token(seeded_app, "admin")))
    assert response.status_code == 200
