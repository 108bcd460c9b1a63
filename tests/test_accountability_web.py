"""The accountability rules through the API and the item page (403 with a message naming who
may act, nothing changed), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import eventsourcing.domain
import pytest
from boardfixtures import iid, run, sign_in
from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import api_token, bearer, seed, services_of

from tracker.domain import item_id
from tracker.importer import import_plan
from tracker.permissions import SYSTEM
from tracker.planfile import parse_plan_file

PLAN_B = """\
plan: {key: b, title: 另一方案, starts: 2012-01-01, ends: 2012-12-31}
units: [{key: u1, name: 第一支部}]
people:
  - {key: director, name: 管理员, role: group_leader}
  - {key: other, name: 另一负责人, role: member}
items:
  - {key: bitem, title: 乙方案的事项, owner: other, lead_unit: u1, due: 2012-08-01}
"""
NOW = datetime(2012, 9, 10, 2, 0, tzinfo=UTC)  # "chiefs" (due 2012-08-31) is 10 days overdue


@pytest.fixture
def dated(web_app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The seeded app with plan b, its clock and its events' timestamps at NOW."""
    monkeypatch.setattr(eventsourcing.domain, "datetime_now_with_tzinfo", lambda: NOW)
    svc = services_of(web_app)
    svc.tracker.clock = lambda: NOW
    seed(web_app)
    svc.sync(import_plan(svc.tracker, parse_plan_file(PLAN_B), SYSTEM).notification_id)
    yield web_app


def api(app: Flask, login: str, method: str, url: str, **body: Any) -> Any:
    client = app.test_client()
    return client.open(url, method=method, json=body or None,
                       headers=bearer(api_token(app, login)))


def chief_row(app: Flask) -> dict[str, Any]:
    rows = api(app, "admin", "GET", "/api/reports/leaders?plan=web").get_json()["leaders"]
    return next(r for r in rows if r["person"] == "chief")


def test_an_owner_leaders_due_date_change_through_the_api_waits_for_a_decision(
        dated: Flask) -> None:
    url = f"/api/items/{iid('chiefs')}"
    before = chief_row(dated)
    assert before["overdue_days"] == 10
    asked = api(dated, "leader", "POST", f"{url}/reschedule", due="2012-12-31", reason="年底")
    assert asked.status_code == 200
    card = api(dated, "leader", "GET", url).get_json()
    assert (card["due"], card["light"], card["extension_pending"]) == ("2012-08-31", "red", True)
    assert chief_row(dated)["overdue_days"] == before["overdue_days"]
    own = api(dated, "leader", "POST", f"{url}/decide-extension", grant=True)
    assert own.status_code == 403 and own.get_json()["message"]
    granted = api(dated, "admin", "POST", f"{url}/decide-extension", grant=True, note="同意")
    assert granted.status_code == 200
    card = api(dated, "leader", "GET", url).get_json()
    assert (card["due"], card["original_due"], card["due_changes"]) == (
        "2012-12-31", "2012-08-31", 1)
    assert chief_row(dated)["deadline_changes"] == 1


def test_an_owner_leaders_due_date_change_from_the_item_page_waits_too(
        dated: Flask) -> None:
    client = dated.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    token = sign_in(client, "leader")
    response = run(client, token, "chiefs", "reschedule", due="2012-12-31", reason="年底完成")
    assert response.status_code == 200
    card = services_of(dated).queries.get_card(iid("chiefs"))
    assert (card["due"], card["light"], card["pending_due"]) == (
        date(2012, 8, 31), "red", date(2012, 12, 31))
    html = client.get(f"/items/{iid('chiefs')}").get_data(as_text=True)
    assert "须经其他审核人决定后方才生效" in html


@pytest.mark.parametrize("decision", ["return", "reopen"])
def test_the_owners_undo_of_a_reviewers_decision_is_refused(dated: Flask,
                                                            decision: str) -> None:
    url = f"/api/items/{iid('mine')}"
    assert api(dated, "member", "POST", f"{url}/submit", outcome="已完成").status_code == 200
    if decision == "return":
        steps = [("return", {"reason": "材料不全"})]
    else:
        steps = [("accept", {}), ("reopen", {"reason": "发现问题"})]
    for command, values in steps:
        assert api(dated, "leader", "POST", f"{url}/{command}", **values).status_code == 200
    before = api(dated, "member", "GET", url).get_json()
    refused = api(dated, "member", "POST", f"{url}/undo", version=before["version"])
    assert refused.status_code == 403
    assert "组长" in refused.get_json()["message"]  # the reviewer, by name
    assert api(dated, "member", "GET", url).get_json() == before


def test_a_leader_with_no_role_in_a_plan_gets_403_there_and_can_still_read(
        dated: Flask) -> None:
    url = f"/api/items/{item_id('b', 'bitem')}"
    head = services_of(dated).tracker.recorder.max_notification_id()
    for command, values in (("chase", {"note": "请尽快"}), ("accept", {}),
                            ("decide-extension", {"grant": True})):
        refused = api(dated, "leader", "POST", f"{url}/{command}", **values)
        assert refused.status_code == 403, command
        assert "leadership group" in refused.get_json()["message"]
    assert services_of(dated).tracker.recorder.max_notification_id() == head
    assert api(dated, "leader", "GET", url).status_code == 200
    client = dated.test_client()
    sign_in(client, "leader")
    assert client.get(f"/items/{item_id('b', 'bitem')}").status_code == 200


def test_an_administrator_gives_a_leader_a_role_in_a_plan_through_the_api(
        dated: Flask) -> None:
    roles = {"director": "group_leader", "other": "member", "chief": "office"}
    assert api(dated, "leader", "PUT", "/api/plans/b/leadership",
               leadership=roles).status_code == 403
    bad = api(dated, "admin", "PUT", "/api/plans/b/leadership", leadership={"chief": "boss"})
    assert bad.status_code == 422
    done = api(dated, "admin", "PUT", "/api/plans/b/leadership", leadership=roles)
    assert done.get_json() == {"plan": "b", "leadership": dict(sorted(roles.items()))}
    url = f"/api/items/{item_id('b', 'bitem')}"
    assert api(dated, "leader", "POST", f"{url}/chase", note="督查室催办").status_code == 200
    assert api(dated, "leader", "POST", f"{url}/cancel", reason="不需要").status_code == 403


def test_refusals_are_translated(dated: Flask) -> None:
    client: FlaskClient = dated.test_client()
    url = f"/api/items/{item_id('b', 'bitem')}/chase"
    response = client.post(url, json={"note": "催"}, headers={
        **bearer(api_token(dated, "leader")), "Accept-Language": "zh-CN"})
    assert response.status_code == 403
    assert "领导小组" in response.get_json()["message"]


def test_the_item_page_offers_a_leader_no_leader_actions_in_a_plan_without_their_role(
        dated: Flask) -> None:
    client = dated.test_client()
    sign_in(client, "leader")
    html = client.get(f"/items/{item_id('b', 'bitem')}").get_data(as_text=True)
    assert "action-chase" not in html and "action-reassign" not in html
    assert "action-chase" in client.get(f"/items/{iid('mine')}").get_data(as_text=True)
