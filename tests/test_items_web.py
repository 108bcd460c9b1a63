"""The item page through the Flask test client: fields, actions, inline edits, conflicts."""

from __future__ import annotations

import re

import pytest
from boardfixtures import BOARD, hx_get, iid, run, sign_in, version_of
from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import PLAN_KEY, services_of


@pytest.fixture
def en(client: FlaskClient) -> FlaskClient:
    """The seeded app's client, asking for English."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def offered(html: str) -> set[str]:
    """The actions the page offers."""
    return set(re.findall(r'class="action action-([\w-]+)"', html))


def page(client: FlaskClient, key: str) -> str:
    return client.get(f"/items/{iid(key)}").get_data(as_text=True)


def test_item_page_shows_every_field_and_the_timeline(en: FlaskClient) -> None:
    sign_in(en, "member")
    html = page(en, "mine")
    for label in ("Deliverable", "Description", "Responsible person", "Lead unit",
                  "Supporting units", "Due date", "Status", "Phase", "Goal", "Percent done"):
        assert f"<dt>{label}</dt>" in html
    assert "负责人的事项" in html and "深入实施" in html and "提高战斗力" in html
    assert "created the item" in html


def test_the_owner_is_offered_the_owner_actions_only(en: FlaskClient) -> None:
    sign_in(en, "member")
    assert offered(page(en, "mine")) == {"start", "report", "submit", "request-extension",
                                         "reschedule", "comment", "evidence", "link-evidence"}
    assert offered(page(en, "theirs")) == set()  # not theirs to act on


def test_a_leader_is_offered_the_supervisor_actions(en: FlaskClient) -> None:
    sign_in(en, "leader")
    actions = offered(page(en, "mine"))
    assert {"start", "chase", "reassign", "cancel", "reschedule"} <= actions
    assert "submit" not in actions and "accept" not in actions
    assert "chase" not in offered(page(en, "chiefs"))  # nobody chases their own item


def test_viewers_only_read(en: FlaskClient) -> None:
    token = sign_in(en, "viewer")
    html = page(en, "mine")
    assert offered(html) == set() and "inline-edit" not in html
    assert run(en, token, "mine", "start").status_code == 403


def test_an_inline_edit_changes_the_title_and_shows_in_the_timeline(seeded_app: Flask,
                                                                     en: FlaskClient) -> None:
    token = sign_in(en, "member")
    response = run(en, token, "mine", "edit", title="新的标题")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="item-head" ' in html  # what changed, for htmx
    assert "新的标题" in html and "<del>负责人的事项</del>" in html
    assert services_of(seeded_app).tracker.get_item(iid("mine")).title == "新的标题"


def test_a_refusal_is_shown_next_to_its_field(en: FlaskClient) -> None:
    token = sign_in(en, "member")
    response = run(en, token, "mine", "request-extension", new_due="2013-05-01", reason="忙")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="f-request-extension-new_due"[^>]*aria-invalid="true"', html)
    assert '<p class="field-error" id="err-new_due" role="alert">' in html
    empty = run(en, token, "mine", "edit", title=" ").get_data(as_text=True)
    assert 'id="err-title"' in empty


def test_report_progress_then_submit_from_the_item_page(seeded_app: Flask,
                                                         en: FlaskClient) -> None:
    token = sign_in(en, "member")
    run(en, token, "mine", "report", note="过半", percent="60")
    html = page(en, "mine")
    assert 'value="60"' in html and "reported progress" in html and "过半" in html
    run(en, token, "mine", "submit", outcome="完成", evidence="a.pdf\nb.pdf")
    item = services_of(seeded_app).tracker.get_item(iid("mine"))
    assert item.status == "submitted" and item.completion["evidence"] == ["a.pdf", "b.pdf"]


def test_an_extension_is_requested_by_the_owner_and_granted_by_a_leader(
        seeded_app: Flask, en: FlaskClient) -> None:
    token = sign_in(en, "member")
    run(en, token, "mine", "request-extension", new_due="2012-09-30", reason="等待材料")
    assert "Extension pending" in page(en, "mine")
    en.post("/logout", data={"csrf_token": token})
    token = sign_in(en, "leader")
    assert "decide-extension" in offered(page(en, "mine"))
    run(en, token, "mine", "decide-extension", grant="true", note="同意")
    item = services_of(seeded_app).tracker.get_item(iid("mine"))
    assert item.due.isoformat() == "2012-09-30" and item.pending_extension is None


def test_a_stale_form_gets_the_conflict_view_and_the_store_keeps_the_first_change(
        seeded_app: Flask, en: FlaskClient) -> None:
    token = sign_in(en, "member")
    rendered = version_of(en, "mine")
    first = run(en, token, "mine", "edit", version=rendered, title="第一次修改")
    second = run(en, token, "mine", "edit", version=rendered, title="第二次修改")
    html = second.get_data(as_text=True)
    assert first.status_code == 200 and second.status_code == 409
    assert 'data-conflict="true"' in html and "Someone else changed this item first" in html
    assert "负责人" in html and "第一次修改" in html  # who changed it, and to what
    assert "第二次修改" in html  # what the user typed is shown back, not saved
    item = services_of(seeded_app).tracker.get_item(iid("mine"))
    assert item.title == "第一次修改" and item.version == rendered + 1
    history = services_of(seeded_app).queries.history(iid("mine"))
    assert [e["event_type"] for e in history] == ["Created", "Edited"]


def test_a_plain_form_post_redirects_to_the_item_page(en: FlaskClient) -> None:
    token = sign_in(en, "member")
    response = en.post(f"/items/{iid('mine')}/commands/start",
                       data={"csrf_token": token, "expected_version": version_of(en, "mine")})
    assert response.status_code == 302 and response.headers["Location"].endswith(iid("mine"))
    assert "Done: Start." in page(en, "mine")


def test_htmx_gets_the_item_fragment_and_unknown_items_are_404(en: FlaskClient) -> None:
    sign_in(en, "member")
    assert hx_get(en, f"/items/{iid('mine')}").get_data(as_text=True).lstrip().startswith(
        '<div id="item"')
    assert en.get("/items/not-an-id").status_code == 404
    assert en.get(f"/items/{iid('nothing')}").status_code == 404


def test_creating_an_item_opens_its_page(seeded_app: Flask, en: FlaskClient) -> None:
    token = sign_in(en, "leader")
    url = f"/plans/{PLAN_KEY}/items/new"
    assert 'name="title"' in en.get(url).get_data(as_text=True)
    bad = en.post(url, data={"csrf_token": token, "title": "新事项", "owner": "owner",
                             "lead_unit": "u1", "due": "2013-01-05"})
    assert bad.status_code == 422 and 'id="err-due"' in bad.get_data(as_text=True)
    good = en.post(url, data={"csrf_token": token, "title": "新事项", "owner": "owner",
                              "lead_unit": "u1", "units": ["u2"], "due": "2012-10-01",
                              "phase": "P1", "goal": "", "deliverable": "纪要"})
    assert good.status_code == 302
    html = en.get(good.headers["Location"]).get_data(as_text=True)
    assert "新事项" in html and "第二支部" in html
    assert "新事项" in en.get(BOARD).get_data(as_text=True)


def test_members_cannot_open_the_create_page(en: FlaskClient) -> None:
    sign_in(en, "member")
    assert en.get(f"/plans/{PLAN_KEY}/items/new").status_code == 403


def test_plan_overview_shows_progress_and_overdue_counts(en: FlaskClient) -> None:
    sign_in(en, "member")
    html = en.get(f"/plans/{PLAN_KEY}").get_data(as_text=True)
    assert "<svg" in html and 'class="window"' in html and "<progress" in html
    assert "深入实施" in html and "提高战斗力" in html
    assert re.search(r'class="overdue">Overdue: <strong>3</strong>', html)


def test_my_work_lists_the_signed_in_persons_open_items_by_light(en: FlaskClient) -> None:
    sign_in(en, "member")
    html = en.get("/my-work").get_data(as_text=True)
    assert "负责人的事项" in html and "别人的事项" not in html
    assert 'class="work-group work-red"' in html
