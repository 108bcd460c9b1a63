"""The board's and the reports' people and unit lists are pickers: at a directory of 3000
people the pages print few options, and a filter chosen in a picker narrows the board (htmx and
plain GET), shown by name."""

from __future__ import annotations

import re

from boardfixtures import iid, sign_in
from flask.testing import FlaskClient
from test_pickers import add_directory, offered
from webfixtures import *  # noqa: F403
from webfixtures import PLAN_KEY

from web.pickers.routes import LIMIT

BOARD = f"/plans/{PLAN_KEY}/board"
HTMX = {"HX-Request": "true"}


def options_and_choices(html: str) -> int:
    """How many choices a page prints: <option>s and picker radios or checkboxes."""
    radios = re.findall(r'<input type="(?:radio|checkbox)" name="(?:owner|unit|leader|person)"',
                        html)
    return html.count("<option") + len(radios)


def test_big_directory_pages_print_far_fewer_choices_than_people(client: FlaskClient) -> None:
    add_directory(client.application, people=3000, units=300)
    sign_in(client, "admin")
    pages = {"board": BOARD, "register": f"/reports/register?plan={PLAN_KEY}",
             "review": f"/reports/review?plan={PLAN_KEY}", "plan": f"/plans/{PLAN_KEY}"}
    for name, url in pages.items():
        answer = client.get(url)
        assert answer.status_code == 200, name
        html = answer.get_data(as_text=True)
        assert options_and_choices(html) < 150, (name, options_and_choices(html))
        if name != "review":  # the review's ledger rightly names everyone; no list does
            assert "张三2999" not in html, name


def test_the_board_filters_are_pickers_that_show_the_chosen_one_by_name(
        client: FlaskClient) -> None:
    sign_in(client, "admin")
    html = client.get(BOARD, query_string={"owner": "other", "unit": "u2"}).get_data(as_text=True)
    assert 'name="owner" value="other" checked' in html and "另一负责人" in html
    assert 'name="unit" value="u2" checked' in html and "第二支部" in html
    assert offered(html, "owner") == ["", "other"]  # "anyone" and the chosen: no list yet
    assert 'id="flt-owner-q" autocomplete="off"' in html
    assert 'name="owner_q"' in html and 'name="unit_q"' in html  # the search boxes are sent


def test_a_filter_picker_lists_matches_once_typed_and_offers_anyone(client: FlaskClient) -> None:
    sign_in(client, "member")
    answer = client.get("/pickers/people", query_string={"field": "owner", "filter": "1",
                                                         "owner_q": "负责"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert offered(html, "owner") == ["", "owner", "other"] and "Anyone" in html
    empty = client.get("/pickers/units", query_string={"field": "unit", "filter": "1"})
    assert offered(empty.get_data(as_text=True), "unit") == [""]  # nothing typed: no list
    zh = client.get("/pickers/units", query_string={"field": "unit", "filter": "1", "q": "支部"},
                    headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert offered(zh, "unit") == ["", "u1", "u2"] and "所有单位" in zh and "Any unit" not in zh
    bad = client.get("/pickers/units", query_string={"field": "owner", "filter": "1"})
    assert bad.status_code == 400


def test_the_board_filtered_by_an_owner_picked_by_typing_shows_only_their_cards(
        client: FlaskClient) -> None:
    sign_in(client, "member")
    typed = client.get("/pickers/people", query_string={"field": "owner", "filter": "1",
                                                        "owner_q": "另一"}).get_data(as_text=True)
    assert offered(typed, "owner") == ["", "other"]
    for headers in (HTMX, {}):  # htmx swaps the board; a plain GET form loads the page
        html = client.get(BOARD, query_string={"owner": "other", "owner_q": "另一"},
                          headers=headers).get_data(as_text=True)
        assert iid("theirs") in html
        assert iid("mine") not in html and iid("chiefs") not in html


def test_without_javascript_apply_lists_the_matches_of_what_was_typed(
        client: FlaskClient) -> None:
    add_directory(client.application, people=300)
    sign_in(client, "member")
    html = client.get(BOARD, query_string={"owner_q": "张三029"}).get_data(as_text=True)
    found = offered(html, "owner")
    assert found[0] == "" and len(found) == 11 and "p0299" in found
    assert 'value="张三029"' in html
    many = offered(client.get(BOARD, query_string={"owner_q": "张三"}).get_data(as_text=True),
                   "owner")
    assert len(many) == LIMIT + 1


def test_the_register_filtered_by_a_leader_picked_by_name_lists_only_their_items(
        client: FlaskClient) -> None:
    sign_in(client, "member")
    html = client.get("/reports/register", query_string={"plan": PLAN_KEY, "owner": "other"}
                      ).get_data(as_text=True)
    assert 'name="owner" value="other" checked' in html and offered(html, "leader") == [""]
    paper = html.split('id="register-paper"')[1]
    assert "别人的事项" in paper and "负责人的事项" not in paper
    typed = client.get("/reports/register", query_string={"plan": PLAN_KEY, "unit_q": "第二"}
                       ).get_data(as_text=True)
    assert offered(typed, "unit") == ["", "u2"]  # Apply without JavaScript lists the matches


def test_a_unit_and_a_person_are_nominated_through_their_pickers(client: FlaskClient) -> None:
    token = sign_in(client, "admin")
    html = client.get("/reports/review", query_string={"plan": PLAN_KEY}).get_data(as_text=True)
    assert "nominate-unit-nominee-q" in html and "nominate-person-nominee-q" in html
    assert "u1" in offered(html, "unit") and "owner" in offered(html, "person")
    for kind, key in (("unit", "u2"), ("person", "other")):
        answer = client.post("/reports/review/nominations", data={
            "csrf_token": token, "plan": PLAN_KEY, "kind": kind, kind: key, "reason": "好"})
        assert answer.status_code == 302
    page = client.get("/reports/review", query_string={"plan": PLAN_KEY}).get_data(as_text=True)
    standing = page.split('id="nominations"')[1]
    assert 'data-nominee="unit:u2"' in standing and 'data-nominee="person:other"' in standing
    refused = client.post("/reports/review/nominations", data={
        "csrf_token": token, "plan": PLAN_KEY, "kind": "unit", "reason": "好"},
        follow_redirects=True)
    assert refused.status_code in (200, 400) and "error" in refused.get_data(as_text=True)
