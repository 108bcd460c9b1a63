"""A move's answer sits right below its card (refusal, form, conflict), through the test client."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from boardfixtures import BOARD, hx_post, iid, move, sign_in, version_of
from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import services_of

from tracker.permissions import Actor


@pytest.fixture
def zh(client: FlaskClient) -> FlaskClient:
    """The seeded app's client, asking for Chinese."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    return client


def answer_of(html: str, key: str) -> str:
    """The answer block that directly follows the card of this seeded item ("" when none)."""
    found = re.search(rf'id="card-{iid(key)}".*?</article>\s*(<div class="card-answer".*?)'
                      r'(?=<article|\Z)', html, re.S)
    return found.group(1) if found else ""


def test_a_refusal_is_shown_below_its_card_and_not_at_the_top(zh: FlaskClient) -> None:
    token = sign_in(zh, "member")
    html = move(zh, token, "mine", "done").get_data(as_text=True)
    assert "须经验收通过" in answer_of(html, "mine")
    assert html.count("须经验收通过") == 1  # once, by the card, not also at the board's top


def test_a_refusal_for_a_card_the_board_hides_goes_to_the_top(zh: FlaskClient) -> None:
    token = sign_in(zh, "member")
    shown = f"{BOARD}?q={quote('别人')}"  # "mine" is filtered out of the member's board
    response = hx_post(zh, f"/items/{iid('mine')}/move", token, shown, to="done",
                       expected_version=str(version_of(zh, "mine")))
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "须经验收通过" in html
    assert 'class="card-answer"' not in html and "board-message" in html


def test_a_stale_move_shows_the_conflict_with_what_was_typed_and_the_form_again(
        seeded_app: Flask, zh: FlaskClient) -> None:
    token = sign_in(zh, "member")
    services_of(seeded_app).run(iid("mine"), "start", Actor("owner", "member"))
    old = version_of(zh, "mine")
    services_of(seeded_app).run(iid("mine"), "edit", Actor("chief", "leader"), title="改过的标题")
    response = move(zh, token, "mine", "submitted", version=old, outcome="纪要已归档")
    answer = answer_of(response.get_data(as_text=True), "mine")
    assert response.status_code == 409 and 'data-conflict="true"' in answer
    assert "改过的标题" in answer and "纪要已归档" in answer  # what changed, what was typed
    assert f'name="expected_version" value="{old + 1}"' in answer  # the form, on the new version
    assert re.search(r'<textarea[^>]*name="outcome"[^>]*>\s*纪要已归档', answer)
    assert services_of(seeded_app).tracker.get_item(iid("mine")).status == "doing"


def test_the_conflict_names_changed_values_instead_of_keys(seeded_app: Flask,
                                                          zh: FlaskClient) -> None:
    token = sign_in(zh, "member")
    old = version_of(zh, "mine")
    services_of(seeded_app).run(iid("mine"), "start", Actor("owner", "member"))
    response = move(zh, token, "mine", "submitted", version=old, outcome="纪要")
    answer = answer_of(response.get_data(as_text=True), "mine")
    assert response.status_code == 409 and 'data-conflict="true"' in answer
    assert "待办 → 进行中" in answer and "todo → doing" not in answer
