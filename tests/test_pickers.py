"""People and unit pickers: the search endpoint (by name and key, at most LIMIT, 4xx on bad
input), the item forms at a large directory, and the per-process names cache."""

from __future__ import annotations

import re
from datetime import date

from boardfixtures import iid, sign_in
from flask import Flask
from flask.testing import FlaskClient
from test_create_form import chinese
from webfixtures import *  # noqa: F403
from webfixtures import PLAN_KEY, services_of

from tracker.domain.base import person_id
from tracker.importer import import_plan
from tracker.permissions import SYSTEM
from tracker.planfile import parse_plan_file
from web.pickers.routes import LIMIT

PEOPLE = "/pickers/people"
UNITS = "/pickers/units"


def offered(html: str, name: str) -> list[str]:
    """The keys a picker's options offer for a field, in order."""
    return re.findall(rf'<input type="(?:radio|checkbox)" name="{name}" value="([^"]*)"', html)


def directory_plan(people: int, units: int = 2) -> str:
    """A plan file whose directory holds many people (张三0001 …) and units."""
    lines = ["plan: {key: big, title: 大名录, starts: 2012-01-01, ends: 2012-12-31}", "units:"]
    lines += [f"  - {{key: b{n:04d}, name: 大支部{n:04d}}}" for n in range(units)]
    lines.append("people:")
    lines += [f"  - {{key: p{n:04d}, name: 张三{n:04d}, role: member}}" for n in range(people)]
    return "\n".join(lines) + "\n"


def add_directory(app: Flask, people: int, units: int = 2) -> None:
    svc = services_of(app)
    result = import_plan(svc.tracker, parse_plan_file(directory_plan(people, units)), SYSTEM)
    svc.sync(result.notification_id)


def test_people_are_found_by_part_of_a_chinese_name_or_of_their_key(client: FlaskClient) -> None:
    sign_in(client, "leader")
    by_name = client.get(PEOPLE, query_string={"field": "owner", "q": "负责"})
    assert by_name.status_code == 200
    assert offered(by_name.get_data(as_text=True), "owner") == ["owner", "other"]  # prefix first
    by_key = client.get(PEOPLE, query_string={"field": "owner", "q": "CHI"})
    assert offered(by_key.get_data(as_text=True), "owner") == ["chief"]
    assert "组长" in by_key.get_data(as_text=True)
    units = client.get(UNITS, query_string={"field": "lead_unit", "q": "第二"})
    assert offered(units.get_data(as_text=True), "lead_unit") == ["u2"]


def test_the_chosen_value_comes_first_and_stays_chosen_whatever_is_typed(
        client: FlaskClient) -> None:
    sign_in(client, "leader")
    html = client.get(PEOPLE, query_string={"field": "owner", "q": "观察", "owner": "chief"}
                      ).get_data(as_text=True)
    assert offered(html, "owner") == ["chief", "watcher"]
    assert 'name="owner" value="chief" checked' in html
    several = client.get(UNITS, query_string=[("field", "units"), ("q", "第一"),
                                              ("units", "u2"), ("units", "nope")])
    html = several.get_data(as_text=True)
    assert offered(html, "units") == ["u2", "u1"]  # an unknown key is not echoed
    assert 'type="checkbox" name="units" value="u2" checked' in html


def test_the_search_answers_at_most_the_limit_and_says_more_matched(
        client: FlaskClient) -> None:
    add_directory(client.application, people=LIMIT + 15)
    sign_in(chinese(client), "leader")
    html = client.get(PEOPLE, query_string={"field": "owner", "q": "张三"}).get_data(as_text=True)
    assert len(offered(html, "owner")) == LIMIT
    assert f"只显示前 {LIMIT} 个结果" in html
    exact = client.get(PEOPLE, query_string={"field": "owner", "q": "张三0031"})
    assert offered(exact.get_data(as_text=True), "owner") == ["p0031"]


def test_no_match_is_said_in_the_users_language(client: FlaskClient) -> None:
    sign_in(client, "leader")
    english = client.get(PEOPLE, query_string={"field": "owner", "q": "无此人"})
    assert "No one matches “无此人”." in english.get_data(as_text=True)
    zh = chinese(client).get(UNITS, query_string={"field": "units", "q": "无此单位"})
    text = zh.get_data(as_text=True)
    assert "没有与“无此单位”相符的单位。" in text
    assert not re.search(r"[A-Za-z]{3,}", re.sub(r"<[^>]*>", "", text))  # no stray English


def test_inactive_people_are_not_offered_but_a_chosen_one_is_shown(client: FlaskClient) -> None:
    svc = services_of(client.application)
    person = svc.tracker.repository.get(person_id("watcher"))
    person.deactivate(actor="system")
    svc.sync(svc.tracker.save(person)[-1].notification.id)
    sign_in(client, "leader")
    html = client.get(PEOPLE, query_string={"field": "owner", "q": ""}).get_data(as_text=True)
    assert "watcher" not in offered(html, "owner")
    kept = client.get(PEOPLE, query_string={"field": "to", "optional": "1", "to": "watcher"})
    assert offered(kept.get_data(as_text=True), "to")[:2] == ["", "watcher"]  # "Nobody" first
    assert "(no longer active)" in kept.get_data(as_text=True)


def test_bad_searches_are_refused_with_a_reason(client: FlaskClient) -> None:
    assert client.get(PEOPLE, query_string={"field": "owner"}).status_code in (302, 401)
    sign_in(client, "leader")
    for url, args in (
        (PEOPLE, {"q": "张"}),  # no field
        (PEOPLE, {"field": "title", "q": "张"}),  # not a picked field
        (PEOPLE, {"field": "lead_unit"}),  # a unit field asked of people
        (PEOPLE, {"field": "owner", "q": "张" * 101}),
        (PEOPLE, [("field", "owner"), ("owner", "chief"), ("owner", "other")]),
        (UNITS, [("field", "units"), *[("units", f"u{n}") for n in range(201)]]),
    ):
        answer = client.get(url, query_string=args, headers={"HX-Request": "true"})
        assert answer.status_code == 400, args
        assert 'role="alert"' in answer.get_data(as_text=True)
    answer = client.get(PEOPLE, query_string={"field": "nope"},
                        headers={"Accept": "application/json"})
    assert answer.status_code == 400 and answer.get_json()["error"] == "bad_request"
    assert client.get("/pickers/plans", query_string={"field": "owner"}).status_code == 404


def test_an_item_page_at_three_thousand_people_prints_few_options(client: FlaskClient) -> None:
    add_directory(client.application, people=3000, units=300)
    sign_in(client, "admin")
    page = client.get(f"/items/{iid('mine')}").get_data(as_text=True)
    assert "f-reassign-owner" in page and "f-units-units" in page  # the forms are there
    assert page.count("<option") < 100
    assert len(re.findall(r'<input type="(?:radio|checkbox)" name="(?:owner|to|lead_unit|units)"',
                          page)) < 200
    fragment = client.get(f"/items/{iid('mine')}", headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).count("<option") < 100
    form = client.get(f"/plans/{PLAN_KEY}/items/new").get_data(as_text=True)
    assert form.count("<option") < 100 and len(offered(form, "owner")) <= LIMIT
    assert 'name="owner" value="owner" checked' in page  # the reassign form starts at the owner


def test_a_person_chosen_in_a_picker_is_submitted_by_key(client: FlaskClient) -> None:
    token = sign_in(client, "admin")
    item = f"/items/{iid('mine')}"
    answer = client.post(f"{item}/commands/reassign", data={
        "csrf_token": token, "expected_version": "1", "owner": "other", "reason": "换人"})
    assert answer.status_code in (200, 302, 303)
    card = services_of(client.application).queries.get_card(iid("mine"))
    assert card is not None and card["owner"] == "other"


def test_names_are_reread_after_a_person_is_renamed_or_added(client: FlaskClient) -> None:
    queries = services_of(client.application).queries
    first = queries.directory()
    assert queries.directory() is first  # nothing changed: the same copy
    assert first.people_names["owner"] == "负责人"
    renamed = directory_plan(0).replace("people:\n", "people:\n"
                                        "  - {key: owner, name: 新负责人, role: member}\n"
                                        "  - {key: newcomer, name: 新来的, role: member}\n")
    svc = services_of(client.application)
    svc.sync(import_plan(svc.tracker, parse_plan_file(renamed), SYSTEM,
                         update_directory=True).notification_id)
    fresh = queries.directory()
    assert fresh is not first and fresh.version > first.version
    assert fresh.people_names["owner"] == "新负责人" and fresh.people_names["newcomer"] == "新来的"
    sign_in(client, "admin")
    page = client.get(f"/items/{iid('mine')}").get_data(as_text=True)
    assert "新负责人" in page
    found = client.get(PEOPLE, query_string={"field": "owner", "q": "新来"})
    assert offered(found.get_data(as_text=True), "owner") == ["newcomer"]



def test_a_request_reads_the_directory_once_until_it_applies_events(
        client: FlaskClient) -> None:
    app = client.application
    svc = services_of(app)
    with app.test_request_context():
        first = svc.queries.directory()
        svc.queries._directory._current = None  # another process's change would not be seen…
        assert svc.queries.directory() is first  # …within the request: it read it once
        renamed = directory_plan(0).replace("people:\n", "people:\n"
                                            "  - {key: owner, name: 改名了, role: member}\n")
        svc.sync(import_plan(svc.tracker, parse_plan_file(renamed), SYSTEM,
                             update_directory=True).notification_id)
        assert svc.queries.directory().people_names["owner"] == "改名了"  # its own change
    with app.test_request_context():
        assert svc.queries.directory().people_names["owner"] == "改名了"

def test_a_new_items_parent_is_found_by_part_of_its_title_among_the_plans_items(
        client: FlaskClient) -> None:
    sign_in(chinese(client), "leader")
    items = f"/pickers/items/{PLAN_KEY}"
    found = client.get(items, query_string={"q": "别人"}).get_data(as_text=True)
    assert offered(found, "parent") == ["", "theirs"]  # "none" first: a top-level item
    assert "别人的事项" in found and "顶层事项" in found
    chosen = client.get(items, query_string={"q": "负责", "parent": "theirs"}).get_data(
        as_text=True)
    assert offered(chosen, "parent") == ["", "theirs", "mine"]
    assert 'value="theirs" checked' in chosen
    none = client.get(items, query_string={"q": "没有这个"}).get_data(as_text=True)
    assert "没有与“没有这个”相符的事项。" in none
    assert not re.search(r"[A-Za-z]{3,}", re.sub(r"<[^>]*>", "", none))  # no stray English
    assert client.get("/pickers/items/nosuchplan").status_code == 404
    long = client.get(items, query_string={"q": "x" * 101}, headers={"Accept": "application/json"})
    assert long.status_code == 400 and long.get_json()["error"] == "bad_request"


def test_the_create_form_of_a_large_plan_reads_a_page_of_parents_not_the_plan(
        client: FlaskClient) -> None:
    svc = services_of(client.application)
    for n in range(LIMIT + 15):
        svc.create_item(SYSTEM, PLAN_KEY, title=f"大事项{n:03d}", owner="owner", lead_unit="u1",
                        due=date(2012, 6, 30))
    sign_in(client, "admin")
    form = client.get(f"/plans/{PLAN_KEY}/items/new").get_data(as_text=True)
    parents = form.split('id="new-parent-options"')[1].split("</div>")[0]
    assert len(offered(parents, "parent")) == LIMIT + 1  # "none" and the first LIMIT
    assert "picker-more" in parents
    narrowed = client.get(f"/pickers/items/{PLAN_KEY}", query_string={"q": "大事项03"})
    assert len(offered(narrowed.get_data(as_text=True), "parent")) == 1 + 5  # 030 … 034
