"""Items with responsible leaders, co-lead units and milestones (节点): a milestone's overdue
date turns its item red; a reviewer's acceptance of it clears that; old events still load."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from projections_fixtures import *  # noqa: F403  (fixtures read_models, queries)
from webfixtures import seeded_app as seeded_app  # noqa: F401  (fixture)
from webfixtures import services_of
from webfixtures import web_app as web_app  # noqa: F401  (fixture)

from projections.engine import ReadModels
from projections.queries import Queries
from tracker.application import TrackerApplication
from tracker.errors import PermissionDeniedError, ValidationError
from tracker.importer import import_plan
from tracker.permissions import SYSTEM, Actor
from tracker.planfile import PlanFileError, parse_plan_file

PLAN = """\
plan: {key: ms, title: 节点方案, starts: 2012-01-01, ends: 2012-12-31}
units:
  - {key: dev, name: 发展改革委, contact: dev_staff}
  - {key: fin, name: 财政局, contact: fin_staff}
people:
  - {key: boss, name: 市长, role: group_leader}
  - {key: vice, name: 副市长, role: deputy}
  - {key: dev_staff, name: 王科长, role: none, unit: dev}
  - {key: fin_staff, name: 赵科长, role: none, unit: fin}
items:
  - key: big
    title: 年度重点改革
    leaders: [vice]
    lead_units: [dev, fin]
    due: 2012-12-31
    milestones:
      - {title: 形成初稿, due: 2012-03-31, deliverable: 初稿}
      - {title: 征求意见, due: 2012-09-30}
  - {key: calm, title: 平稳事项, owner: fin_staff, lead_unit: fin, due: 2012-12-31}
"""


def test_leaders_co_leads_and_milestones_are_recorded_on_the_item(
        app: TrackerApplication) -> None:
    import_plan(app, parse_plan_file(PLAN), SYSTEM)
    item = app.get_item("big", "ms")
    assert (item.owner, item.lead_unit, item.co_leads, item.units, item.leaders) == (
        "dev_staff", "dev", ["fin"], [], ["vice"])
    assert [(m["title"], m["due"]) for m in item.milestones] == [
        ("形成初稿", date(2012, 3, 31)), ("征求意见", date(2012, 9, 30))]


def test_an_overdue_milestone_turns_its_item_red_until_a_reviewer_accepts_it(
        app: TrackerApplication, read_models: ReadModels, queries: Queries) -> None:
    import_plan(app, parse_plan_file(PLAN), SYSTEM)
    read_models.catch_up()
    lights = {c["key"]: c["light"] for c in queries.board("ms")}
    assert lights == {"big": "red", "calm": "green"}  # today is 2012-06-01
    with pytest.raises(PermissionDeniedError):
        app.execute(app.get_item("big", "ms").id, "accept-milestone",
                    Actor("dev_staff", "member", "dev_staff"), milestone="形成初稿")
    app.execute(app.get_item("big", "ms").id, "accept-milestone",
                Actor("vice", "leader", "vice"), milestone="形成初稿", note="初稿已审定")
    read_models.catch_up()
    assert {c["key"]: c["light"] for c in queries.board("ms")}["big"] == "green"
    read_models.rebuild()
    assert {c["key"]: c["light"] for c in queries.board("ms")}["big"] == "green"


def test_accepting_an_unknown_milestone_is_refused(app: TrackerApplication) -> None:
    import_plan(app, parse_plan_file(PLAN), SYSTEM)
    with pytest.raises(ValidationError):
        app.execute(app.get_item("big", "ms").id, "accept-milestone",
                    Actor("vice", "leader", "vice"), milestone="不存在")


@pytest.mark.parametrize(("old", "new", "message"), [
    ("due: 2012-09-30}", "due: 2013-01-30}", "after its item"),
    ("{title: 征求意见, due: 2012-09-30}", "{title: 征求意见}", "missing required field 'due'"),
    ("    due: 2012-12-31\n    milestones:", "    due: 2012-12-31\n    every: 1 month\n"
     "    milestones:", "a recurring item cannot have milestones"),
])
def test_bad_milestones_are_reported_with_their_line(old: str, new: str, message: str) -> None:
    with pytest.raises(PlanFileError) as info:
        parse_plan_file(PLAN.replace(old, new, 1))
    assert any(message in p.message for p in info.value.problems), info.value.problems


def test_the_item_page_shows_leaders_co_leads_and_milestones_with_their_lights(
        seeded_app: Flask) -> None:  # noqa: F811
    from webfixtures import api_token, bearer, login

    client = seeded_app.test_client()
    headers = bearer(api_token(seeded_app, "admin"))
    assert client.post("/api/plans", data=PLAN.encode(), headers=headers,
                       content_type="application/yaml").status_code == 201
    item = services_of(seeded_app).tracker.get_item("big", "ms")
    login(client, "admin")
    html = client.get(f"/items/{item.id}", headers={"Accept-Language": "zh-CN"}).get_data(
        as_text=True)
    for text in ("副市长", "发展改革委、财政局", "节点", "形成初稿", "征求意见", "验收节点"):
        assert text in html, text
    card = client.get(f"/api/items/{item.id}", headers=headers).get_json()
    assert card["co_leads"] == ["fin"] and card["leaders"] == ["vice"]
    assert [m["light"] for m in card["milestones"]] in (["red", "red"], ["red", "green"],
                                                        ["red", "yellow"])
