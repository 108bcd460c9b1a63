"""Audit pages: readable sentences, keyset paging both ways, no-store, streamed exports that
verify, the chain head, and undo from the item page."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import PLAN_KEY, csrf_token, login, services_of

from tracker.auditchain import verify_chain
from tracker.auditexport import audit_head
from tracker.auditsign import load_signer, signature_valid
from tracker.domain import item_id
from tracker.permissions import Actor

CHIEF = Actor("chief", "leader", "leader")
MINE = str(item_id(PLAN_KEY, "mine"))


def reassign_mine(app: Flask) -> None:
    services_of(app).run(MINE, "reassign", CHIEF, owner="other", reason="owner is away")


def test_the_trail_reads_as_sentences_and_is_not_stored_by_the_browser(
        client: FlaskClient, seeded_app: Flask) -> None:
    reassign_mine(seeded_app)
    login(client, "viewer")
    response = client.get("/audit")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "组长 reassigned “负责人的事项” from 负责人 to 另一负责人: owner is away" in page


def test_the_trail_pages_both_ways_newest_first_with_a_total(
        client: FlaskClient, seeded_app: Flask) -> None:
    svc = services_of(seeded_app)
    for n in range(60):
        svc.tracker.execute(MINE, "comment", CHIEF, text=f"comment {n}")
    svc.sync(svc.tracker.recorder.max_notification_id())
    login(client, "leader")
    first = client.get("/audit?event_type=Commented").get_data(as_text=True)
    assert first.count('class="audit-row"') == 50 and "60 events match." in first
    assert "comment 59" in first and "comment 9<" not in first and 'rel="prev"' not in first
    more = re.search(r'rel="next" href="([^"]+)"', first)
    assert more
    rest = client.get(more.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert rest.count('class="audit-row"') == 10 and "comment 0" in rest
    assert 'rel="next"' not in rest
    back = re.search(r'rel="prev" href="([^"]+)"', rest)
    assert back
    again = client.get(back.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert again.count('class="audit-row"') == 50 and "comment 59" in again
    assert 'rel="prev"' not in again


def test_the_web_export_streams_a_chain_that_verifies_and_matches_the_head(
        client: FlaskClient, seeded_app: Flask) -> None:
    reassign_mine(seeded_app)
    login(client, "viewer")
    response = client.get("/audit/export.jsonl")
    assert response.is_streamed and response.headers["Cache-Control"] == "no-store"
    result = verify_chain(response.get_data().splitlines(keepends=True))
    assert result.ok, result.message
    head = client.get("/audit/head").get_json()
    plain = audit_head(services_of(seeded_app).queries)
    assert {k: head[k] for k in plain} == plain
    assert head["chain_head"] == result.head and head["count"] == result.count
    assert head["public_key"] == result.signed_by
    assert signature_valid(head["chain_head"], head["count"], head["signature"],
                           load_signer(services_of(seeded_app).settings.instance).public_key)
    api_key = verify_chain(response.get_data().splitlines(keepends=True), head["public_key"])
    assert api_key.ok and api_key.key_checked
    csv_text = client.get("/audit/export.csv?event_type=Reassigned").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("seq,timestamp,actor")
    assert len(csv_text.strip().splitlines()) == 2
    assert client.get("/audit/export.pdf").status_code in (400, 404)
    assert client.get("/audit?since=not-a-date").status_code == 400


def test_an_accidental_reassignment_is_undone_from_the_item_page(
        client: FlaskClient, seeded_app: Flask) -> None:
    reassign_mine(seeded_app)
    login(client, "leader")
    token = csrf_token(client, f"/items/{MINE}")
    data = {"csrf_token": token, "expected_version": "2", "version": "2", "reason": "mistake"}
    response = client.post(f"/items/{MINE}/undo", data=data)
    assert response.status_code == 302
    svc = services_of(seeded_app)
    assert svc.tracker.get_item(MINE).owner == "owner"
    trail = client.get("/audit?event_type=Undone").get_data(as_text=True)
    assert "undid the reassignment of “负责人的事项” (version 2): mistake" in trail
    again = client.post(f"/items/{MINE}/undo", data={**data, "expected_version": "3"})
    assert again.status_code == 409
    assert svc.tracker.get_item(MINE).version == 3


def test_viewers_cannot_undo(client: FlaskClient, seeded_app: Flask) -> None:
    reassign_mine(seeded_app)
    login(client, "viewer")
    token = csrf_token(client, "/audit")
    response = client.post(f"/items/{MINE}/undo", data={
        "csrf_token": token, "expected_version": "2", "version": "2"})
    assert response.status_code == 403
    assert services_of(seeded_app).tracker.get_item(MINE).owner == "other"


def test_an_undo_reads_in_chinese_in_the_trail(client: FlaskClient, seeded_app: Flask) -> None:
    reassign_mine(seeded_app)
    services_of(seeded_app).run(MINE, "undo", CHIEF, version=2, reason="误操作")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    login(client, "viewer")
    html = client.get("/audit?event_type=Undone").get_data(as_text=True)
    assert "撤销了“负责人的事项”的责任人调整（第 2 版）：误操作" in html
    assert "the reassignment" not in html
