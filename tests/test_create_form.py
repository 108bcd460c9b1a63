"""The create form helps: no owner or unit chosen for the user, a parent chosen by title,
recurrence as a plan file writes it, the plan's and phase's windows beside the due date with a
warning outside the phase, supporting units as a checklist, descriptions that keep their line
breaks, and date fields that follow the page's language."""

from __future__ import annotations

import re
from typing import Any

from boardfixtures import iid, sign_in
from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import PLAN_KEY, services_of
from werkzeug.test import TestResponse

from tracker.importer import import_plan
from tracker.permissions import SYSTEM
from tracker.planfile import parse_plan_file

NEW = f"/plans/{PLAN_KEY}/items/new"
PHASED = """\
plan:
  key: phased
  title: 分阶段方案
  starts: 2026-01-01
  ends: 2026-12-31
  phases:
    - {key: P1, title: 动员部署, starts: 2026-01-01, ends: 2026-03-31}
    - {key: P2, title: 深入实施, starts: 2026-04-01, ends: 2026-12-31}
units: [{key: u1, name: 第一支部}, {key: u2, name: 第二支部}, {key: u3, name: 第三支部},
        {key: u4, name: 第四支部}, {key: u5, name: 第五支部}, {key: u6, name: 第六支部},
        {key: u7, name: 第七支部}, {key: u8, name: 第八支部}, {key: u9, name: 机关支部}]
people: [{key: chief, name: 组长, role: deputy}, {key: owner, name: 负责人, role: member}]
items:
  - {key: duty, title: 报送进展, owner: owner, lead_unit: u1, every: 3 months, due_day: 10,
     deliverable: 进展报告}
"""


def chinese(client: FlaskClient) -> FlaskClient:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN,zh;q=0.9"
    return client


def phased(app: Flask) -> None:
    svc = services_of(app)
    svc.sync(import_plan(svc.tracker, parse_plan_file(PHASED), SYSTEM).notification_id)


def create(client: FlaskClient, token: str, plan: str = PLAN_KEY, **fields: Any) -> TestResponse:
    data = {"csrf_token": token, "title": "新事项", "owner": "other", "lead_unit": "u2",
            "due": "2012-05-31", **fields}
    return client.post(f"/plans/{plan}/items/new", data=data)


def cards(app: Flask, plan: str = PLAN_KEY) -> dict[str, dict[str, Any]]:
    return {c["key"]: c for c in services_of(app).queries.board(plan)}


def test_the_form_asks_for_an_owner_and_a_unit_and_names_the_missing_one(
        client: FlaskClient) -> None:
    token = sign_in(chinese(client), "leader")
    form = client.get(NEW).get_data(as_text=True)
    for name in ("owner", "lead_unit"):
        picker = form.split(f'id="new-{name}"')[1].split("</fieldset>")[0]
        radios = re.findall(rf'<input type="radio" name="{name}" [^>]*>', picker)
        assert radios and all("required" in r and "checked" not in r for r in radios)
        assert "输入名称的一部分" in picker  # the search box, in the user's language
    before = len(cards(client.application))
    answer = create(client, token, owner="")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert re.search(r'id="err-owner" role="alert">[^<]*责任人', page)
    answer = create(client, token, due="")
    assert answer.status_code == 422
    assert re.search(r'id="err-due" role="alert">[^<]*办结时限', answer.get_data(as_text=True))
    assert len(cards(client.application)) == before


def test_the_parent_is_chosen_by_title_and_prefilled_from_the_add_sub_item_link(
        client: FlaskClient) -> None:
    token = sign_in(client, "leader")
    form = client.get(f"{NEW}?parent=theirs").get_data(as_text=True)
    parent = form.split('id="new-parent-options"')[1].split("</ul>")[0]
    assert '<input type="radio" name="parent" value="theirs" checked>' in parent  # chosen first
    assert re.findall(r'name="parent" value="([^"]*)"', parent)[:2] == ["", "theirs"]
    assert sorted(re.findall(r'<span class="picker-name">([^<]+)</span>', parent)[1:]) == sorted(
        ["别人的事项", "组长的事项", "负责人的事项"])  # titles, never keys
    answer = create(client, token, parent="theirs", title="子事项")
    child = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert f'class="item-parent"><a href="/items/{iid("theirs")}">别人的事项</a>' in child
    assert ">theirs<" not in child


def test_a_recurring_item_from_the_form_is_what_the_plan_file_makes(
        client: FlaskClient) -> None:
    phased(client.application)
    token = sign_in(client, "admin")
    answer = create(client, token, plan="phased", title="报送进展", owner="owner",
                    lead_unit="u1", due="", every="3 months", due_day="10",
                    deliverable="进展报告")
    assert answer.status_code == 302
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "The recurring item was created: 4 items" in page
    rows = cards(client.application, "phased")
    made = sorted((c["title"], c["due"]) for k, c in rows.items() if k.startswith("form:"))
    from_file = sorted((c["title"], c["due"]) for k, c in rows.items() if k.startswith("duty#"))
    assert made == from_file and len(made) == 4
    assert made[0][0] == "报送进展（2026年第1季度）" and str(made[0][1]) == "2026-04-10"
    keys = sorted(k for k in rows if k.startswith("form:"))
    assert [k.rsplit("#", 1)[1] for k in keys] == ["1", "2", "3", "4"]
    again = client.post("/plans/phased/items/new", data={
        "csrf_token": token, "form_token": keys[0].split(":")[1].split("#")[0],
        "title": "报送进展", "owner": "owner", "lead_unit": "u1", "every": "3 months",
        "due_day": "10"})
    assert again.status_code == 302  # a retried form creates nothing more
    assert len(cards(client.application, "phased")) == len(rows)


def test_a_recurring_item_without_a_due_day_repeats_its_due_date_each_period(
        client: FlaskClient) -> None:
    phased(client.application)
    token = sign_in(client, "admin")
    assert create(client, token, plan="phased", title="月度例会", owner="owner",
                  lead_unit="u1", due="2026-01-20", every="1 month").status_code == 302
    dues = sorted(str(c["due"]) for k, c in cards(client.application, "phased").items()
                  if k.startswith("form:"))
    assert len(dues) == 12 and dues[:3] == ["2026-01-20", "2026-02-20", "2026-03-20"]


BAD_RECURRENCES = [
    ({"every": "1 month", "due": ""}, "due", "办结时限"),
    ({"every": "2 weeks", "due_day": "5"}, "due_day", "报送日"),
    ({"every": "1 month", "due_day": "40"}, "due_day", "报送日"),
    ({"every": "sometimes"}, "every", "重复周期"),
    ({"every": "0 months"}, "every", "重复周期"),
]


def test_a_bad_recurrence_is_refused_next_to_its_field_and_writes_nothing(
        client: FlaskClient) -> None:
    token = sign_in(chinese(client), "leader")
    before = len(cards(client.application))
    for fields, field, label in BAD_RECURRENCES:
        answer = create(client, token, **fields)
        assert answer.status_code == 422, fields
        assert re.search(f'id="err-{field}" role="alert">[^<]*{label}',
                         answer.get_data(as_text=True)), fields
    assert len(cards(client.application)) == before


def test_the_due_date_shows_the_windows_and_warns_outside_the_phase(
        client: FlaskClient) -> None:
    phased(client.application)
    token = sign_in(chinese(client), "admin")
    hint = client.get("/plans/phased/items/new/due?phase=P1&due=2026-02-01",
                      headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "方案期限：2026年1月1日至2026年12月31日" in hint
    assert "阶段“动员部署”：2026年1月1日至2026年3月31日" in hint
    assert "due-warning" not in hint
    hint = client.get("/plans/phased/items/new/due?phase=P1&due=2026-06-01").get_data(
        as_text=True)
    assert "该日期不在阶段“动员部署”之内，仍可保存。" in hint
    assert "due-refused" in client.get(
        "/plans/phased/items/new/due?phase=P1&due=2027-06-01").get_data(as_text=True)
    assert "不是" in client.get("/plans/phased/items/new/due?due=06/01/2026").get_data(
        as_text=True)
    answer = create(client, token, plan="phased", owner="owner", lead_unit="u1",
                    phase="P1", due="2026-06-01")
    assert answer.status_code == 302  # a warning, not a refusal
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert re.search(r'flash-warning[^>]*>办结时限2026-06-01不在阶段“动员部署”', page)


def test_supporting_units_are_ticked_in_a_checklist(client: FlaskClient) -> None:
    token = sign_in(client, "leader")
    form = client.get(NEW).get_data(as_text=True)
    assert "multiple" not in form
    assert len(re.findall(r'type="checkbox" name="units" value="u[12]"', form)) == 2
    assert not re.search(r'type="checkbox" name="units" [^>]*required', form)  # none is fine
    create(client, token, title="协办测试", units=["u1"], lead_unit="u2")
    made = next(c for c in cards(client.application).values() if c["title"] == "协办测试")
    assert made["units"] == ["u1"]
    again = create(client, token, title="", units=["u1"]).get_data(as_text=True)
    assert 'name="units" value="u1" checked' in again
    assert 'name="units" value="u2" checked' not in again


def test_a_description_keeps_its_line_breaks_and_stays_escaped(client: FlaskClient) -> None:
    token = sign_in(client, "leader")
    answer = create(client, token, title="多行说明",
                    description="第一行\r\n<b onclick=x>第二行</b>\n第三行")
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert ('第一行<br>\n&lt;b onclick=x&gt;第二行&lt;/b&gt;<br>\n第三行' in page)
    assert "<b onclick" not in page
    board = client.get(f"/plans/{PLAN_KEY}/board").get_data(as_text=True)
    assert re.search(r'title="第一行\r?\n&lt;b onclick=x&gt;第二行&lt;/b&gt;\n第三行">多行说明</a>',
                     board)  # the card's tooltip: the browser shows the breaks


DATED_PAGES = (NEW, f"/plans/{PLAN_KEY}/board", "/reports/register", "/reports/bulletin",
               "/units/u1/assess?plan=web", "/reports/leaders", "/import", "/items/{mine}")


def test_date_fields_ask_year_first_in_chinese_and_use_the_picker_in_english(
        client: FlaskClient) -> None:
    sign_in(client, "admin")
    for url in (u.replace("{mine}", iid("mine")) for u in DATED_PAGES):
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        assert 'type="date"' in client.get(url).get_data(as_text=True), url
        page = client.get(url, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
        assert 'type="date"' not in page, url
        fields = re.findall(r'<input type="text" class="date-text"[^>]*>', page)
        assert fields, url
        for field in fields:
            assert 'pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}"' in field
            assert 'placeholder="年-月-日"' in field


def test_the_form_previews_the_items_a_recurring_item_makes(client: FlaskClient) -> None:
    phased(client.application)
    sign_in(chinese(client), "admin")
    url = "/plans/phased/items/new/recurrence"
    preview = client.get(f"{url}?every=3+months&due_day=10&title=报送进展").get_data(as_text=True)
    assert "将生成4个事项：" in preview
    assert "报送进展（2026年第1季度） · 时限 2026年4月10日" in preview
    assert "报送进展（2026年第4季度） · 时限 2026年12月31日" in preview  # the plan's last day
    refused = client.get(f"{url}?every=2+weeks&due_day=10").get_data(as_text=True)
    assert "due-warning" in refused and "报送日" in refused
    assert client.get(url).get_data(as_text=True).strip() == ""  # no recurrence, nothing
