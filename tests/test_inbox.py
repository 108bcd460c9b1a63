"""The in-app inbox and @mentions through the Flask test client (both stores): who is told of
chases, notices, decisions, escalations and mentions; unread counts; marking read, which a
rebuild of the read models keeps; and the queue's further sections and board filters."""

from __future__ import annotations

import re
from datetime import date

from boardfixtures import BOARD, hx_post, iid, sign_in, version_of
from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import services_of

from tracker.domain.mentions import mentions
from tracker.permissions import Actor

MEMBER, OTHER = Actor("owner", "member", "member"), Actor("other", "member", "other")
CHIEF, DIRECTOR = Actor("chief", "leader", "leader"), Actor("director", "admin", "admin")


def unread(html: str) -> str | None:
    found = re.search(r'id="nav-inbox-count"[^>]*>(\d*)<', html)
    return found.group(1) if found else None


def entries(html: str) -> list[str]:
    return re.findall(r'<li class="inbox-entry[^"]*"', html)


def test_mentions_match_names_and_keys_longest_first_and_leave_unknown_names() -> None:
    people = {"chief": "组长", "chief2": "组长助理", "owner": "负责人"}
    text = "请@组长助理 和 @chief 看看，@无名氏 不算，邮件 a@b 也不算"
    assert mentions(text, people) == [["组长助理", "chief2"], ["chief", "chief"]]


def test_a_chase_reaches_the_owner_who_marks_it_read(seeded_app: Flask,
                                                     client: FlaskClient) -> None:
    svc = services_of(seeded_app)
    svc.run(iid("mine"), "chase", CHIEF, note="请尽快推进")
    token = sign_in(client, "member")
    html = client.get("/inbox").get_data(as_text=True)
    assert unread(html) == "1" and len(entries(html)) == 1
    assert "组长" in html and "负责人的事项" in html and "请尽快推进" in html
    version = version_of(client, "mine")
    answer = hx_post(client, f"/inbox/{iid('mine')}/{version}/read", token)
    assert answer.status_code == 200
    fragment = answer.get_data(as_text=True)
    assert 'id="inbox"' in fragment and 'hx-swap-oob="true"' in fragment
    assert unread(fragment) == ""  # the nav's count, swapped out of band, is empty now
    assert unread(client.get("/inbox").get_data(as_text=True)) == ""
    sign_in(client, "leader")  # the chaser is not told of their own chase
    assert entries(client.get("/inbox").get_data(as_text=True)) == []


def test_read_marks_survive_a_rebuild_that_reproduces_the_inbox(seeded_app: Flask,
                                                                client: FlaskClient) -> None:
    svc = services_of(seeded_app)
    svc.run(iid("mine"), "chase", CHIEF, note="第一次")
    svc.run(iid("mine"), "chase", CHIEF, note="第二次")
    token = sign_in(client, "member")
    first = svc.inbox.list("owner")[-1]
    client.post(f"/inbox/{iid('mine')}/{first['version']}/read", data={"csrf_token": token})
    before = svc.inbox.list("owner")
    svc.read_models.rebuild()
    assert svc.inbox.list("owner") == before
    assert unread(client.get("/inbox").get_data(as_text=True)) == "1"


def test_decisions_on_my_requests_and_submissions_reach_me(seeded_app: Flask,
                                                           client: FlaskClient) -> None:
    svc = services_of(seeded_app)
    svc.run(iid("mine"), "start", MEMBER)
    svc.run(iid("mine"), "request-extension", MEMBER, new_due=date(2012, 9, 30), reason="人手不足")
    svc.run(iid("mine"), "decide-extension", CHIEF, grant=False, note="不能再拖")
    svc.run(iid("theirs"), "start", OTHER)
    svc.run(iid("theirs"), "submit", OTHER, outcome="已完成")
    svc.run(iid("theirs"), "return", CHIEF, reason="缺少佐证")
    assert [(n["kind"], n["event_type"]) for n in svc.inbox.list("owner")] == [
        ("decision", "ExtensionRefused")]
    assert [n["text"] for n in svc.inbox.list("other")] == ["缺少佐证"]
    sign_in(client, "other")
    queue = client.get("/queue").get_data(as_text=True).split('id="queue-mine"')[1]
    assert "别人的事项" in queue.split("</section>")[0] and "reason-returned" in queue
    html = client.get("/inbox?kind=decision").get_data(as_text=True)
    assert "缺少佐证" in html and "别人的事项" in html and unread(html) == "1"
    assert entries(client.get("/inbox?kind=mention").get_data(as_text=True)) == []


def test_notices_and_escalations_reach_the_owner_and_the_higher_leader(
        seeded_app: Flask, client: FlaskClient) -> None:
    svc = services_of(seeded_app)
    svc.run(iid("mine"), "issue-notice", CHIEF, requirement="三日内报送整改情况",
            reply_by=date(2012, 6, 1))
    svc.run(iid("mine"), "escalate", CHIEF, to="director", reason="多次催办无果")
    assert [n["kind"] for n in svc.inbox.list("owner")] == ["notice"]
    assert [n["kind"] for n in svc.inbox.list("director")] == ["escalation"]
    token = sign_in(client, "admin")
    html = client.get("/inbox").get_data(as_text=True)
    assert "多次催办无果" in html and unread(html) == "1"
    assert client.post("/inbox/read", data={"csrf_token": token}).status_code == 302
    assert unread(client.get("/inbox").get_data(as_text=True)) == ""


def test_no_one_marks_another_persons_notification(seeded_app: Flask,
                                                   client: FlaskClient) -> None:
    svc = services_of(seeded_app)
    svc.run(iid("mine"), "chase", CHIEF, note="请推进")
    token = sign_in(client, "other")
    version = version_of(client, "mine")
    answer = client.post(f"/inbox/{iid('mine')}/{version}/read", data={"csrf_token": token})
    assert answer.status_code == 404
    assert svc.read_marks.read("owner") == set() and svc.read_marks.read("other") == set()


def test_a_mention_notifies_and_links_the_person_safely(seeded_app: Flask,
                                                        client: FlaskClient) -> None:
    token = sign_in(client, "member")
    text = "请 @组长 审阅，@chief 也看看；@无名氏 <script>alert(1)</script>"
    answer = client.post(f"/items/{iid('mine')}/commands/comment", data={
        "csrf_token": token, "expected_version": version_of(client, "mine"), "text": text})
    assert answer.status_code in (200, 302, 303)
    svc = services_of(seeded_app)
    told = svc.inbox.list("chief")
    assert [n["kind"] for n in told] == ["mention"]  # one notification for two mentions
    page = client.get(f"/items/{iid('mine')}").get_data(as_text=True)
    assert page.count('<a class="mention" href="/reports/leaders/chief">@组长</a>') == 2
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "@无名氏" in page
    sign_in(client, "leader")
    html = client.get("/inbox").get_data(as_text=True)
    assert unread(html) == "1" and 'class="mention"' in html and "&lt;script&gt;" in html


def test_the_queue_has_notice_escalation_and_deliverable_sections(
        seeded_app: Flask, client: FlaskClient) -> None:
    svc = services_of(seeded_app)
    svc.run(iid("mine"), "issue-notice", CHIEF, requirement="报送整改情况",
            reply_by=date(2012, 6, 1))
    svc.run(iid("theirs"), "escalate", DIRECTOR, to="chief", reason="需要组长督办")
    svc.run(iid("theirs"), "edit", OTHER, deliverable="新的成果要求", reason="范围变化")
    token = sign_in(client, "member")
    html = client.get("/queue").get_data(as_text=True)
    notices = html.split('id="queue-notices"')[1].split("</section>")[0]
    assert "报送整改情况" in notices and "/acknowledge-notice" in notices
    acknowledged = hx_post(client, f"/queue/{iid('mine')}/acknowledge-notice", token,
                           expected_version=version_of(client, "mine"))
    assert acknowledged.status_code == 200 and 'id="nav-queue-count"' in acknowledged.get_data(
        as_text=True)
    notices = acknowledged.get_data(as_text=True).split('id="queue-notices"')[1]
    assert "/acknowledge-notice" not in notices.split("</section>")[0]
    assert "/answer-notice" in notices.split("</section>")[0]
    sign_in(client, "leader")
    html = client.get("/queue").get_data(as_text=True)
    escalated = html.split('id="queue-escalated"')[1].split("</section>")[0]
    assert "别人的事项" in escalated and "/chase" in escalated
    decisions = html.split('id="queue-decisions"')[1].split("</section>")[0]
    assert "新的成果要求" in decisions and "/decide-deliverable" in decisions
    board = client.get(f"{BOARD}?queue=escalated").get_data(as_text=True)
    assert "别人的事项" in board and "负责人的事项" not in board
    assert "组长的事项" not in client.get(f"{BOARD}?queue=notices").get_data(as_text=True)


def test_a_refused_queue_action_answers_with_a_message_and_changes_nothing(
        seeded_app: Flask, client: FlaskClient) -> None:
    svc = services_of(seeded_app)
    svc.run(iid("mine"), "chase", CHIEF, note="请推进")
    token = sign_in(client, "member")
    answer = hx_post(client, f"/queue/{iid('mine')}/report", token,
                     expected_version=version_of(client, "mine"), note="")
    assert answer.status_code in (400, 422)
    body = answer.get_data(as_text=True)
    assert "flash-error" in body or "error" in body
    assert client.post(f"/queue/{iid('mine')}/cancel", data={
        "csrf_token": token, "expected_version": "1"}).status_code == 404


def test_a_progress_note_that_mentions_someone_tells_them(seeded_app: Flask,
                                                          client: FlaskClient) -> None:
    svc = services_of(seeded_app)
    svc.run(iid("mine"), "report", MEMBER, note="初稿已完成，请@组长审阅", percent=50)
    svc.run(iid("mine"), "report", MEMBER, note="没有提到任何人 @", percent=60)
    told = svc.inbox.list("chief")
    assert [(n["kind"], n["text"]) for n in told] == [("mention", "初稿已完成，请@组长审阅")]
    sign_in(client, "leader")
    page = client.get(f"/items/{iid('mine')}").get_data(as_text=True)
    assert '<a class="mention" href="/reports/leaders/chief">@组长</a>审阅' in page


def test_the_boards_queue_choices_are_the_queues_the_queue_page_offers() -> None:
    from web.board import filters, queue

    assert set(filters.QUEUES) == set(queue.QUEUES) == set(queue.QUEUE_LABELS)
    assert {s for q in queue.QUEUES.values() for s in q} == set(queue.SECTIONS)
