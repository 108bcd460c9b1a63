"""The API's role × command matrix: allowed → done with the user's person as actor;
refused → 403 and nothing recorded; no token → 401 and nothing recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from webfixtures import *  # noqa: F403
from webfixtures import ACCOUNTS, PLAN_KEY, api_token, bearer, services_of

from tracker.domain.lifecycle import COMMANDS
from tracker.permissions import SYSTEM, Actor
from web.services import Services

OWNER = Actor("owner", "member", "member")
Prepare = Callable[[Services, str], None]


def _run(*steps: tuple[str, Actor, dict[str, Any]]) -> Prepare:
    def prepare(svc: Services, item_id: str) -> None:
        for command, actor, values in steps:
            svc.run(item_id, command, actor, **values)
    return prepare


SUBMITTED = _run(("start", SYSTEM, {}), ("submit", SYSTEM, {"outcome": "完成"}))
NOTICE = ("issue-notice", SYSTEM, {"requirement": "报送方案", "reply_by": "2012-09-30"})
# Each command: how to bring a fresh item (owned by `owner`) to a state where it is legal,
# and the values the API call sends.
CASES: dict[str, tuple[Prepare, dict[str, Any]]] = {
    "start": (_run(), {}),
    "report": (_run(), {"note": "进展顺利", "percent": 40}),
    "comment": (_run(), {"text": "备注"}),
    "chase": (_run(), {"note": "请尽快办理"}),
    "request-extension": (_run(), {"new_due": "2012-09-30", "reason": "任务增加"}),
    "decide-extension": (_run(("request-extension", OWNER, {
        "new_due": "2012-09-30", "reason": "任务增加"})), {"grant": True, "note": "同意"}),
    "reassign": (_run(), {"owner": "other", "reason": "调整分工"}),
    "units": (_run(), {"lead_unit": "u2", "units": ["u1"]}),
    "reschedule": (_run(), {"due": "2012-08-31", "reason": "统一安排"}),
    "submit": (_run(("start", SYSTEM, {})), {"outcome": "已完成", "evidence": ["纪要.pdf"]}),
    "accept": (SUBMITTED, {"note": "验收通过"}),
    "accept-milestone": (_run(), {"milestone": "节点一", "note": "节点完成"}),
    "return": (SUBMITTED, {"reason": "材料不全"}),
    "cancel": (_run(), {"reason": "不再需要"}),
    "reopen": (_run(("cancel", SYSTEM, {"reason": "暂停"})), {"reason": "恢复"}),
    "edit": (_run(), {"title": "改过的标题"}),
    "decide-deliverable": (_run(("edit", OWNER, {"deliverable": "新的成果", "reason": "调整"})),
                           {"grant": True, "note": "同意"}),
    "escalate": (_run(), {"reason": "进度滞后"}),
    "undo": (_run(("cancel", SYSTEM, {"reason": "暂停"})), {"version": 2, "reason": "误操作"}),
    "issue-notice": (_run(), {"requirement": "报送整改方案", "reply_by": "2012-09-30"}),
    "acknowledge-notice": (_run(NOTICE), {}),
    "answer-notice": (_run(NOTICE), {"reply": "已报送"}),
    "link-evidence": (_run(), {"url": "https://example.org/minutes", "description": "会议纪要"}),
}
OWNER_ONLY = {"request-extension", "submit", "acknowledge-notice", "answer-notice"}
OWNER_MAY = {"start", "report", "comment", "edit", "reschedule", "link-evidence", *OWNER_ONLY}
ALLOWED: dict[str, set[str]] = {
    "admin": set(COMMANDS),
    # The undo case undoes the system's cancellation: only its maker or an administrator may.
    "leader": set(COMMANDS) - OWNER_ONLY - {"undo"},
    "member": OWNER_MAY,  # the item's owner
    "other": set(),  # a member acting on someone else's item
    "viewer": set(),
}


def test_every_command_has_a_case() -> None:
    assert set(CASES) == set(COMMANDS)


def fresh_item(svc: Services, name: str) -> str:
    result = svc.create_item(SYSTEM, PLAN_KEY, key=name, title=f"事项 {name}", owner="owner",
                             lead_unit="u1", due=date(2012, 6, 30), phase="P1", goal="G1",
                             milestones=[{"title": "节点一", "due": date(2012, 5, 31)}])
    return str(result.id)


@pytest.mark.parametrize("login", list(ACCOUNTS))
def test_role_may_run_exactly_its_commands_and_events_name_its_person(
        seeded_app: Flask, login: str) -> None:
    svc = services_of(seeded_app)
    client = seeded_app.test_client()
    headers = bearer(api_token(seeded_app, login))
    person = ACCOUNTS[login][1]
    outcome: dict[str, int] = {}
    for command, (prepare, values) in CASES.items():
        item_id = fresh_item(svc, f"{login}-{command}")
        prepare(svc, item_id)
        version = svc.queries.get_card(item_id)["version"]
        head = svc.tracker.recorder.max_notification_id()
        response = client.post(f"/api/items/{item_id}/{command}", headers=headers,
                               json={**values, "expected_version": version})
        outcome[command] = response.status_code
        body = response.get_json()
        if response.status_code == 200:
            assert body == {"id": item_id, "version": version + 1}, command
            assert svc.queries.history(item_id)[-1]["actor"] == person, command
        else:
            assert body["error"] == "forbidden" and body["message"], command
            assert svc.tracker.recorder.max_notification_id() == head, command
    expected = {c: 200 if c in ALLOWED[login] else 403 for c in CASES}
    assert outcome == expected


def test_commands_without_a_token_answer_401_and_record_nothing(seeded_app: Flask) -> None:
    svc = services_of(seeded_app)
    client = seeded_app.test_client()
    item_id = fresh_item(svc, "untouched")
    head = svc.tracker.recorder.max_notification_id()
    for command, (_prepare, values) in CASES.items():
        for headers in ({}, bearer("trk_not-a-token"), {"Authorization": "Basic YTpi"}):
            response = client.post(f"/api/items/{item_id}/{command}", headers=headers,
                                   json=values)
            assert response.status_code == 401, command
            assert response.get_json()["error"] == "unauthorized"
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert svc.tracker.recorder.max_notification_id() == head


def test_disabled_accounts_token_stops_working(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    headers = bearer(api_token(seeded_app, "admin"))
    assert client.get("/api/plans", headers=headers).status_code == 200
    services_of(seeded_app).accounts.disable("admin")
    assert client.get("/api/plans", headers=headers).status_code == 401


def test_stale_expected_version_answers_409_with_the_current_version(seeded_app: Flask) -> None:
    svc = services_of(seeded_app)
    client = seeded_app.test_client()
    headers = bearer(api_token(seeded_app, "member"))
    item_id = fresh_item(svc, "stale")
    first = client.post(f"/api/items/{item_id}/report", headers=headers,
                        json={"note": "一", "expected_version": 1})
    assert first.status_code == 200
    head = svc.tracker.recorder.max_notification_id()
    second = client.post(f"/api/items/{item_id}/report", headers=headers,
                         json={"note": "二", "expected_version": 1})
    assert second.status_code == 409
    assert second.get_json()["current_version"] == 2
    assert svc.tracker.recorder.max_notification_id() == head


@pytest.mark.parametrize(("body", "status", "error"), [
    (b"{not json", 400, "bad_request"),
    (b"[1, 2]", 400, "bad_request"),
    (b'"text"', 400, "bad_request"),
    (b'{"note": NaN}', 400, "bad_request"),
    (b'{"percent": 40}', 422, "invalid"),
    (b'{"note": "x", "percent": "many"}', 422, "invalid"),
    (b'{"note": "x", "colour": "red"}', 422, "invalid"),
    (b'{"note": "x", "expected_version": "1"}', 422, "invalid"),
    (b'{"note": "x", "expected_version": true}', 422, "invalid"),
    (b'{"note": "a\\u0000b"}', 422, "invalid"),
    (b'{"note": "\\ud800"}', 422, "invalid"),
    (b'{"note": "x", "percent": 140}', 422, "invalid"),
])
def test_bad_bodies_are_refused_with_a_clear_error_and_change_nothing(
        seeded_app: Flask, body: bytes, status: int, error: str) -> None:
    svc = services_of(seeded_app)
    client = seeded_app.test_client()
    item_id = fresh_item(svc, "bad-bodies")
    head = svc.tracker.recorder.max_notification_id()
    response = client.post(f"/api/items/{item_id}/report", data=body,
                           headers={**bearer(api_token(seeded_app, "member")),
                                    "Content-Type": "application/json"})
    assert (response.status_code, response.get_json()["error"]) == (status, error)
    assert response.get_json()["message"]
    assert svc.tracker.recorder.max_notification_id() == head


def test_unknown_item_or_command_is_404(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    headers = bearer(api_token(seeded_app, "admin"))
    assert client.post("/api/items/not-a-uuid/start", headers=headers).status_code == 404
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.post(f"/api/items/{missing}/start", headers=headers).status_code == 404
    item_id = services_of(seeded_app).queries.board(PLAN_KEY)[0]["id"]
    response = client.post(f"/api/items/{item_id}/explode", headers=headers)
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"
