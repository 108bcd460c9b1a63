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
        assert "张三2999" not in html, name  # no one is listed who was not asked for


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
