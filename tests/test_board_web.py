"""The board through the Flask test client: columns, filters, lanes, paging, moves, as-of."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from boardfixtures import BOARD, hx_get, hx_post, iid, move, sign_in, version_of
from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import services_of


@pytest.fixture
def en(client: FlaskClient) -> FlaskClient:
    """The seeded app's client, asking for English."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def column_of(html: str, key: str) -> str | None:
    """Which column's cards area holds the card of this seeded item."""
    position = html.find(f'id="card-{iid(key)}"')
    if position < 0:
        return None
    found = re.findall(r'class="cards" data-status="(\w+)"', html[:position])
    return found[-1] if found else None


def stored_status(app: Flask, key: str) -> str:
    return str(services_of(app).tracker.get_item(iid(key)).status)


def test_board_shows_four_columns_and_the_seeded_cards(en: FlaskClient) -> None:
    sign_in(en, "member")
    html = en.get(BOARD).get_data(as_text=True)
    for title in ("To do", "In progress", "Submitted", "Done"):
        assert f'<h3 class="column-title">{title}</h3>' in html
    assert "Cancelled</h3>" not in html
    assert column_of(html, "mine") == "todo"
    assert "负责人" in html and "第一支部" in html  # owner and lead unit on the card


def test_board_redirects_to_the_first_plan_and_needs_sign_in(en: FlaskClient) -> None:
    assert en.get("/board").status_code == 302
    assert "/login" in en.get(BOARD).headers["Location"]
    sign_in(en, "viewer")
    assert en.get("/board?owner=other").headers["Location"].endswith(f"{BOARD}?owner=other")


def test_htmx_request_to_the_same_url_gets_only_the_board_fragment(en: FlaskClient) -> None:
    sign_in(en, "member")
    html = hx_get(en, BOARD).get_data(as_text=True)
    assert html.lstrip().startswith('<div id="board"') and "<html" not in html


def test_filters_narrow_the_board_and_live_in_the_url(en: FlaskClient) -> None:
    sign_in(en, "member")
    html = en.get(f"{BOARD}?owner=other").get_data(as_text=True)
    assert column_of(html, "theirs") == "todo" and column_of(html, "mine") is None
    assert 'name="owner" value="other" checked' in html  # the owner's picker shows them
    assert 'hx-push-url="true"' in html
    html = en.get(f"{BOARD}?q=组长").get_data(as_text=True)
    assert column_of(html, "chiefs") and not column_of(html, "mine")
    html = en.get(f"{BOARD}?unit=u2").get_data(as_text=True)
    assert column_of(html, "theirs") and not column_of(html, "chiefs")
    html = en.get(f"{BOARD}?light=green").get_data(as_text=True)  # the 2012 plan is all overdue
    assert not column_of(html, "mine") and "No items match" not in html


def test_swimlanes_group_the_cards_by_owner(en: FlaskClient) -> None:
    sign_in(en, "member")
    html = en.get(f"{BOARD}?lane=owner").get_data(as_text=True)
    lanes = re.findall(r'<h2 class="lane-title"[^>]*>([^<]+?)\s*<', html)
    assert sorted(lanes) == sorted(["组长", "负责人", "另一负责人"])


def test_columns_load_more_cards_when_scrolled(en: FlaskClient,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("web.board.model.PAGE", 2)
    sign_in(en, "member")
    html = en.get(BOARD).get_data(as_text=True)
    more = re.search(r'hx-get="([^"]+)" hx-trigger="revealed"', html)
    assert more, "the To do column should offer the next page"
    assert html.count('class="card ') == 2
    page = hx_get(en, more.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert page.count('class="card ') == 1 and "revealed" not in page
    plain = en.get(more.group(1).replace("&amp;", "&"))  # without JavaScript: a page of its own
    assert plain.status_code == 200 and "<html" in plain.get_data(as_text=True)


def test_dragging_to_in_progress_starts_the_item(seeded_app: Flask, en: FlaskClient) -> None:
    token = sign_in(en, "member")
    response = move(en, token, "mine", "doing")
    assert response.status_code == 200
    assert column_of(response.get_data(as_text=True), "mine") == "doing"
    assert stored_status(seeded_app, "mine") == "doing"


def test_a_move_to_done_without_acceptance_snaps_back_with_the_reason(
        seeded_app: Flask, en: FlaskClient) -> None:
    token = sign_in(en, "member")
    before = version_of(en, "mine")
    response = move(en, token, "mine", "done")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "reviewer accepts" in html and column_of(html, "mine") == "todo"
    assert version_of(en, "mine") == before and stored_status(seeded_app, "mine") == "todo"


def test_work_cannot_go_back_to_to_do(en: FlaskClient) -> None:
    token = sign_in(en, "member")
    move(en, token, "mine", "doing")
    response = move(en, token, "mine", "todo")
    assert response.status_code == 409
    assert column_of(response.get_data(as_text=True), "mine") == "doing"


def test_a_move_to_submitted_asks_for_the_outcome_first(seeded_app: Flask,
                                                        en: FlaskClient) -> None:
    token = sign_in(en, "member")
    before = version_of(en, "mine")
    asked = move(en, token, "mine", "submitted").get_data(as_text=True)
    assert 'role="dialog"' in asked and 'name="outcome"' in asked and 'name="evidence"' in asked
    assert version_of(en, "mine") == before
    empty = move(en, token, "mine", "submitted", outcome="  ", evidence="")
    assert empty.status_code == 422 and 'class="field-error"' in empty.get_data(as_text=True)
    done = move(en, token, "mine", "submitted", outcome="会议已召开", evidence="minutes.pdf")
    assert column_of(done.get_data(as_text=True), "mine") == "submitted"
    item = services_of(seeded_app).tracker.get_item(iid("mine"))
    assert item.completion["outcome"] == "会议已召开" and item.completion["evidence"] == [
        "minutes.pdf"]


def test_a_reviewer_accepts_or_returns_by_moving(seeded_app: Flask, en: FlaskClient) -> None:
    token = sign_in(en, "member")
    move(en, token, "mine", "submitted", outcome="done")
    refused = move(en, token, "mine", "done")  # nobody accepts their own work
    assert refused.status_code == 403 and stored_status(seeded_app, "mine") == "submitted"
    en.post("/logout", data={"csrf_token": token})
    token = sign_in(en, "leader")
    asked = move(en, token, "mine", "doing").get_data(as_text=True)
    assert 'name="reason"' in asked and stored_status(seeded_app, "mine") == "submitted"
    move(en, token, "mine", "doing", reason="证据不全")
    assert stored_status(seeded_app, "mine") == "doing"
    en.post("/logout", data={"csrf_token": token})
    token = sign_in(en, "member")
    move(en, token, "mine", "submitted", outcome="again")
    en.post("/logout", data={"csrf_token": token})
    token = sign_in(en, "leader")
    html = move(en, token, "mine", "done").get_data(as_text=True)
    assert column_of(html, "mine") == "done" and stored_status(seeded_app, "mine") == "done"
    assert "Returned ×1" in html


def test_a_stale_move_is_refused_and_changes_nothing(seeded_app: Flask, en: FlaskClient) -> None:
    token = sign_in(en, "member")
    old = version_of(en, "mine")
    move(en, token, "mine", "doing", version=old)
    response = move(en, token, "mine", "submitted", version=old, outcome="x")
    assert response.status_code == 409
    assert stored_status(seeded_app, "mine") == "doing" and version_of(en, "mine") == old + 1


def test_viewers_get_no_move_control_and_moves_are_refused(en: FlaskClient) -> None:
    token = sign_in(en, "viewer")
    html = en.get(BOARD).get_data(as_text=True)
    assert "move-form" not in html and "data-move-url" not in html
    assert move(en, token, "mine", "doing").status_code == 403


def test_a_move_needs_the_csrf_token(en: FlaskClient) -> None:
    sign_in(en, "member")
    response = en.post(f"/items/{iid('mine')}/move", data={"to": "doing", "expected_version": 1},
                       headers={"HX-Request": "true"})
    assert response.status_code == 400


def test_a_plain_form_post_moves_and_redirects_back(seeded_app: Flask, en: FlaskClient) -> None:
    token = sign_in(en, "member")
    response = en.post(f"/items/{iid('mine')}/move", data={
        "to": "doing", "expected_version": version_of(en, "mine"), "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].startswith(BOARD)
    assert stored_status(seeded_app, "mine") == "doing"


def test_a_move_keeps_the_filters_of_the_board_the_user_sees(en: FlaskClient) -> None:
    token = sign_in(en, "member")
    response = hx_post(en, f"/items/{iid('mine')}/move", token, f"{BOARD}?owner=owner",
                       to="doing", expected_version=str(version_of(en, "mine")))
    html = response.get_data(as_text=True)
    assert column_of(html, "mine") == "doing" and column_of(html, "theirs") is None


def test_the_board_as_of_a_past_date_is_read_only_and_marked(seeded_app: Flask,
                                                             en: FlaskClient) -> None:
    token = sign_in(en, "member")
    move(en, token, "mine", "doing")
    today = services_of(seeded_app).tracker.today()
    html = en.get(f"{BOARD}?as_of={today.isoformat()}").get_data(as_text=True)
    assert 'class="asof-banner"' in html and "Read-only" in html
    assert column_of(html, "mine") == "doing"
    assert "move-form" not in html and "data-drop" not in html and "draggable" not in html
    before = en.get(f"{BOARD}?as_of={(today - timedelta(days=1)).isoformat()}")
    assert column_of(before.get_data(as_text=True), "mine") is None  # nothing existed yet
    assert en.get(f"{BOARD}?as_of=someday").status_code == 400


def test_cancelled_items_hide_behind_a_toggle(seeded_app: Flask, en: FlaskClient) -> None:
    token = sign_in(en, "leader")
    move(en, token, "theirs", "cancelled", reason="合并到其他事项")
    assert column_of(en.get(BOARD).get_data(as_text=True), "theirs") is None
    html = en.get(f"{BOARD}?cancelled=1").get_data(as_text=True)
    assert column_of(html, "theirs") == "cancelled"
