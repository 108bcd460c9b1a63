"""待我处理 through the Flask test client: what waits for a leader's decision and for an owner,
the count in the navigation, the board's queue filter, and deciding from the queue."""

from __future__ import annotations

from datetime import date

from boardfixtures import iid, sign_in, version_of
from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import PLAN_KEY, services_of

from tracker.permissions import Actor


def waiting_for_a_leader(app: Flask) -> None:
    """The member asks to extend "mine"; the other member submits "theirs"."""
    svc = services_of(app)
    member, other = Actor("owner", "member"), Actor("other", "member")
    svc.run(iid("mine"), "start", member)
    svc.run(iid("mine"), "request-extension", member, new_due=date(2012, 9, 30), reason="人手不足")
    svc.run(iid("theirs"), "start", other)
    svc.run(iid("theirs"), "submit", other, outcome="已完成")


def nav_count(html: str) -> str | None:
    import re

    found = re.search(r'class="nav-count"[^>]*>(\d+)<', html)
    return found.group(1) if found else None


def test_a_leader_sees_an_extension_request_and_a_completion_waiting(
        seeded_app: Flask, client: FlaskClient) -> None:
    waiting_for_a_leader(seeded_app)
    sign_in(client, "leader")
    html = client.get("/queue").get_data(as_text=True)
    assert "负责人的事项" in html and "别人的事项" in html
    assert f'action="/queue/{iid("mine")}/decide-extension"' in html
    assert f'action="/queue/{iid("theirs")}/accept"' in html
    assert nav_count(html) == "3"  # the two decisions and the leader's own overdue item
    assert nav_count(client.get(f"/plans/{PLAN_KEY}/board").get_data(as_text=True)) == "3"


def test_a_leader_decides_both_from_the_queue(seeded_app: Flask, client: FlaskClient) -> None:
    waiting_for_a_leader(seeded_app)
    token = sign_in(client, "leader")
    granted = client.post(f"/queue/{iid('mine')}/decide-extension", data={
        "csrf_token": token, "expected_version": version_of(client, "mine"), "grant": "true"})
    assert granted.status_code == 302
    accepted = client.post(f"/queue/{iid('theirs')}/accept", data={
        "csrf_token": token, "expected_version": version_of(client, "theirs")})
    assert accepted.status_code == 302
    cards = {c["key"]: c for c in services_of(seeded_app).queries.board(PLAN_KEY)}
    assert cards["mine"]["due"] == date(2012, 9, 30) and not cards["mine"]["extension_pending"]
    assert cards["theirs"]["status"] == "done"
    html = client.get("/queue").get_data(as_text=True)
    assert "负责人的事项" not in html.split('id="queue-mine"')[0]
    assert nav_count(html) == "1"


def test_a_stale_decision_is_refused_with_a_message(seeded_app: Flask,
                                                    client: FlaskClient) -> None:
    waiting_for_a_leader(seeded_app)
    token = sign_in(client, "leader")
    answer = client.post(f"/queue/{iid('theirs')}/accept", data={
        "csrf_token": token, "expected_version": "1"}, follow_redirects=True)
    assert answer.status_code == 200 and "flash-error" in answer.get_data(as_text=True)
    assert services_of(seeded_app).queries.get_card(iid("theirs"))["status"] == "submitted"


def test_no_one_decides_their_own_request(seeded_app: Flask, client: FlaskClient) -> None:
    waiting_for_a_leader(seeded_app)
    sign_in(client, "member")
    html = client.get("/queue").get_data(as_text=True)
    assert "decide-extension" not in html and "/accept" not in html
    assert "负责人的事项" in html  # the member's own overdue item needs action


def test_the_board_filters_by_queue(seeded_app: Flask, client: FlaskClient) -> None:
    waiting_for_a_leader(seeded_app)
    sign_in(client, "leader")
    html = client.get(f"/plans/{PLAN_KEY}/board?queue=decide").get_data(as_text=True)
    assert "负责人的事项" in html and "别人的事项" in html and "组长的事项" not in html
    html = client.get(f"/plans/{PLAN_KEY}/board?queue=mine").get_data(as_text=True)
    assert "组长的事项" in html and "别人的事项" not in html


def test_the_nav_count_is_worked_out_once_per_state_of_the_read_models(
        seeded_app: Flask, client: FlaskClient, monkeypatch: object) -> None:
    """Pages that change nothing reuse the count; a change (by anyone, any path) renews it."""
    import web.board.queue as queue

    worked: list[str] = []
    original = queue._waiting

    def counting(who: Actor) -> dict[str, list[dict[str, object]]]:
        worked.append(who.name)
        return original(who)

    monkeypatch.setattr(queue, "_waiting", counting)  # type: ignore[attr-defined]
    waiting_for_a_leader(seeded_app)
    sign_in(client, "leader")
    pages = [f"/plans/{PLAN_KEY}/board", "/reports/leaders", "/inbox"]
    assert [nav_count(client.get(p).get_data(as_text=True)) for p in pages] == ["3"] * 3
    assert len(worked) == 1
    services_of(seeded_app).run(iid("mine"), "report", Actor("owner", "member"), note="进展",
                                percent=10)
    assert nav_count(client.get(pages[0]).get_data(as_text=True)) == "3"
    assert len(worked) == 2  # the read models moved: worked out again
    granted = client.post(f"/queue/{iid('mine')}/decide-extension", data={
        "csrf_token": sign_in(client, "leader"), "expected_version": version_of(client, "mine"),
        "grant": "true"})
    assert granted.status_code == 302
    assert nav_count(client.get(pages[1]).get_data(as_text=True)) == "2"
