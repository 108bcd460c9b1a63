"""Escalation 提级督办: a supervisor escalates a slipping item to a higher leader (by default
the group leader), with a reason; it shows on the card and page, lands in that leader's work,
counts in the ledger for both, reads in the trail in both languages, and can be undone."""

from __future__ import annotations

import re

from boardfixtures import iid, sign_in
from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import ACCOUNTS, api_token, bearer, login, services_of

from tracker.permissions import Actor

CHIEF = Actor("chief", "leader", "leader")
MINE = iid("mine")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def escalate(app: Flask, **body: object) -> tuple[int, dict[str, object]]:
    client = app.test_client()
    response = client.post(f"/api/items/{MINE}/escalate", json=body,
                           headers=bearer(api_token(app, "leader")))
    return response.status_code, response.get_json()


def visible_text(html: str, start: str, end: str) -> str:
    """The words a reader sees between two markers (tags, attributes and scripts removed)."""
    part = html[html.index(start):html.index(end, html.index(start))]
    part = re.sub(r"<script.*?</script>|<style.*?</style>", " ", part, flags=re.S)
    return re.sub(r"<[^>]+>", " ", part)


def test_a_leader_escalates_through_the_api_to_the_group_leader_by_default(
        seeded_app: Flask) -> None:
    status, body = escalate(seeded_app, reason="进度严重滞后")
    assert status == 200 and body["version"] == 2
    card = services_of(seeded_app).queries.get_card(MINE)
    assert card["escalated_to"] == "director" and card["fact_names"]["escalated_to"] == "管理员"


def test_escalation_is_in_the_openapi_document(seeded_app: Flask) -> None:
    spec = seeded_app.test_client().get("/api/openapi.json").get_json()
    operation = spec["paths"]["/api/items/{item_id}/escalate"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert {"to", "reason", "expected_version"} <= set(body["properties"])
    assert body["required"] == ["reason"]


def test_only_a_supervisor_escalates_and_only_to_a_leader(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    owner = client.post(f"/api/items/{MINE}/escalate", json={"reason": "x"},
                        headers=bearer(api_token(seeded_app, "member")))
    assert owner.status_code == 403
    status, body = escalate(seeded_app, reason="x", to="other")  # not a leader
    assert status == 422 and body["error"] == "invalid"
    status, body = escalate(seeded_app, reason="")
    assert status == 422
    assert services_of(seeded_app).queries.get_card(MINE)["version"] == 1


def test_the_chinese_item_page_and_audit_line_say_it_without_english_words(
        seeded_app: Flask, client: FlaskClient) -> None:
    escalate(seeded_app, reason="进度严重滞后")
    login(client, "leader")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    page = client.get(f"/items/{MINE}").get_data(as_text=True)
    assert "已提级督办至管理员" in page
    shown = visible_text(page, "<main", "</main>")
    assert "提级督办" in shown
    allowed = {"mine", "MB", "csv", "docx", "jpeg", "jpg", "pdf", "png", "txt", "xlsx"}
    assert set(LATIN_WORD.findall(shown)) <= allowed  # the item's key and file types only
    trail = client.get("/audit").get_data(as_text=True)
    line = next(t for t in re.findall(r"<(?:li|tr)[^>]*>(.*?)</(?:li|tr)>", trail, re.S)
                if "提级督办至" in t)  # the trail's line, not the event-type filter's option
    text = re.sub(r"<[^>]+>", " ", line)
    assert "组长将“负责人的事项”提级督办至管理员：进度严重滞后" in re.sub(r"\s+", "", text)
    assert LATIN_WORD.findall(text) == []
    rows = re.findall(r'<td class="sentence">(.*?)</td>', trail, re.S)
    logins = set(ACCOUNTS)  # account logins are data (sign-in lines name them)
    assert rows and all(set(LATIN_WORD.findall(r)) <= logins for r in rows)


def test_the_escalated_leader_sees_it_in_their_work_until_it_is_undone(
        seeded_app: Flask, client: FlaskClient) -> None:
    escalate(seeded_app, reason="进度严重滞后")
    sign_in(client, "admin")  # the group leader's account
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    assert "负责人的事项" in client.get("/my-work").get_data(as_text=True)
    services_of(seeded_app).run(MINE, "undo", CHIEF, version=2, reason="误操作")
    assert services_of(seeded_app).queries.get_card(MINE)["escalated_to"] is None
    assert "负责人的事项" not in client.get("/my-work").get_data(as_text=True)


def test_the_ledger_counts_escalations_per_owner_and_per_leader(seeded_app: Flask) -> None:
    escalate(seeded_app, reason="进度严重滞后")
    response = seeded_app.test_client().get("/api/reports/leaders?plan=web",
                                            headers=bearer(api_token(seeded_app, "viewer")))
    rows = {r["person"]: r for r in response.get_json()["leaders"]}
    assert rows["owner"]["escalated"] == 1 and rows["owner"]["escalations_received"] == 0
    assert rows["director"]["escalations_received"] == 1 and rows["director"]["escalated"] == 0
