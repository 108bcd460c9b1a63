"""The last accountability rules: a parent accepted over open sub-items only with a reason,
undo only within its window, administrators' decisions recorded as such, every plan with
recorded roles. Application tests run on SQLite and PostgreSQL; the page tests on both too."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import eventsourcing.domain
import pytest
from boardfixtures import hx_post, iid, sign_in
from flask import Flask
from flask.testing import FlaskClient
from projections_fixtures import *  # noqa: F403
from projections_fixtures import shanghai
from webfixtures import *  # noqa: F403
from webfixtures import api_token, bearer, password_of, seed, services_of

from projections import Queries, ReadModels
from projections.reports.data import review
from projections.reports.i18n import lang
from projections.reports.review_paper import changes_section
from tracker.application import TrackerApplication
from tracker.config import ConfigError, Settings
from tracker.domain import Plan, WorkItem, item_id
from tracker.errors import IllegalStateError, PermissionDeniedError, ValidationError
from tracker.importer import import_plan
from tracker.permissions import SYSTEM, Actor
from tracker.planfile import parse_plan_file

BOSS = Actor("boss", "leader", "boss")  # group leader of plan a
CHIEF = Actor("chief", "leader", "chief")  # deputy of plan a, owns the parent
OTHER = Actor("other", "member", "other")  # owns the sub-items
ADMIN = Actor(None, "admin", "admin")  # an administrator who is no one in the plan
BOSS_ADMIN = Actor("boss", "admin", "bossadmin")  # an administrator who leads plan a
PLAN = """\
plan: {key: a, title: 方案甲, starts: 2012-01-01, ends: 2012-12-31}
units: [{key: u1, name: 第一支部}]
people:
  - {key: boss, name: 组长, role: group_leader}
  - {key: chief, name: 副组长, role: deputy}
  - {key: other, name: 成员, role: member}
items:
  - {key: parent, title: 总体任务, owner: chief, lead_unit: u1, due: 2012-09-30}
  - {key: c1, title: 子任务一, owner: other, lead_unit: u1, due: 2012-08-31, parent: parent}
  - {key: c2, title: 子任务二, owner: other, lead_unit: u1, due: 2012-08-31, parent: parent}
"""


@pytest.fixture
def planned(app: TrackerApplication, clock: Any, stamped: None) -> TrackerApplication:
    clock.now = shanghai(date(2012, 6, 1))
    import_plan(app, parse_plan_file(PLAN), SYSTEM)
    return app


def submitted_parent(app: TrackerApplication) -> WorkItem:
    parent = app.get_item("parent", "a")
    app.execute(parent.id, "submit", CHIEF, outcome="材料齐全")
    return app.get_item(parent.id)


def last_event(app: TrackerApplication, item: WorkItem) -> Any:
    stored = app.recorder.select_events(item.id, desc=True, limit=1)[0]
    return app.mapper.to_domain_event(stored)


# -- a parent accepted while sub-items are open --------------------------------------------


def test_a_parent_with_open_sub_items_is_accepted_only_with_a_reason(
        planned: TrackerApplication) -> None:
    parent = submitted_parent(planned)
    with pytest.raises(ValidationError) as refused:
        planned.execute(parent.id, "accept", BOSS, note="好")
    assert refused.value.params == {"field": "reason", "count": 2}
    assert planned.get_item(parent.id).version == parent.version  # nothing recorded
    planned.execute(parent.id, "accept", BOSS, reason="子任务按季度另行验收")
    accepted = last_event(planned, parent)
    assert (accepted.reason, accepted.open_children) == ("子任务按季度另行验收", ["c1", "c2"])
    assert planned.get_item(parent.id).open_at_acceptance == 2


def test_a_parent_whose_sub_items_are_done_or_cancelled_needs_no_reason(
        planned: TrackerApplication) -> None:
    c1, c2 = planned.get_item("c1", "a").id, planned.get_item("c2", "a").id
    planned.execute(c1, "submit", OTHER, outcome="完成")
    planned.execute(c1, "accept", BOSS)
    planned.execute(c2, "cancel", BOSS, reason="并入子任务一")
    parent = submitted_parent(planned)
    planned.execute(parent.id, "accept", BOSS)
    assert last_event(planned, parent).open_children == []
    assert planned.get_item(parent.id).open_at_acceptance == 0


def test_reopening_clears_the_open_sub_items_mark(planned: TrackerApplication) -> None:
    parent = submitted_parent(planned)
    planned.execute(parent.id, "accept", BOSS, reason="先行验收")
    planned.execute(parent.id, "reopen", BOSS, reason="子任务未完成")
    assert planned.get_item(parent.id).open_at_acceptance == 0


# -- the undo window ------------------------------------------------------------------------


def test_undo_is_allowed_only_within_the_window(planned: TrackerApplication, clock: Any) -> None:
    item = planned.get_item("c1", "a").id
    moved = planned.execute(item, "reassign", BOSS, owner="chief", reason="调整")
    clock.now += timedelta(minutes=31)
    with pytest.raises(IllegalStateError, match="30 minutes") as refused:
        planned.execute(item, "undo", BOSS, version=moved.version)
    assert refused.value.params["minutes"] == 30
    assert planned.get_item(item).owner == "chief"
    again = planned.execute(item, "reassign", BOSS, owner="other", reason="再调整")
    clock.now += timedelta(minutes=29)
    planned.execute(item, "undo", BOSS, version=again.version, reason="点错了")
    assert planned.get_item(item).owner == "chief"


def test_the_window_is_configured_and_still_only_the_actor_may_undo(
        planned: TrackerApplication, clock: Any) -> None:
    planned.undo_window = timedelta(minutes=5)
    item = planned.get_item("c1", "a").id
    moved = planned.execute(item, "reassign", BOSS, owner="chief", reason="调整")
    with pytest.raises(PermissionDeniedError, match="who made this change"):
        planned.execute(item, "undo", CHIEF, version=moved.version)
    clock.now += timedelta(minutes=6)
    with pytest.raises(IllegalStateError, match="5 minutes"):
        planned.execute(item, "undo", ADMIN, version=moved.version)


def test_the_undo_window_setting_is_read_and_checked(tmp_path: Any) -> None:
    env = {"TRACKER_SECRET_KEY": "x"}
    assert Settings.load(tmp_path, environ=env).undo_window_minutes == 30
    assert Settings.load(tmp_path, environ={**env, "TRACKER_UNDO_WINDOW_MINUTES": "10"}
                         ).undo_window_minutes == 10
    for bad in ("0", "ten", "-5", "20000"):
        with pytest.raises(ConfigError, match="TRACKER_UNDO_WINDOW_MINUTES"):
            Settings.load(tmp_path, environ={**env, "TRACKER_UNDO_WINDOW_MINUTES": bad})


# -- administrators' decisions ----------------------------------------------------------------


@pytest.mark.parametrize(("actor", "as_admin"), [(ADMIN, True), (BOSS_ADMIN, False),
                                                 (BOSS, False)])
def test_a_decision_records_whether_an_administrator_without_a_role_took_it(
        planned: TrackerApplication, actor: Actor, as_admin: bool) -> None:
    item = planned.get_item("c1", "a")
    planned.execute(item.id, "request-extension", OTHER, new_due=date(2012, 10, 31),
                    reason="材料未齐")
    planned.execute(item.id, "decide-extension", actor, grant=True)
    assert last_event(planned, item).as_admin is as_admin
    planned.execute(item.id, "submit", OTHER, outcome="完成")
    planned.execute(item.id, "return", actor, reason="补充材料")
    assert last_event(planned, item).as_admin is as_admin
    planned.execute(item.id, "submit", OTHER, outcome="已补充")
    planned.execute(item.id, "accept", actor)
    assert last_event(planned, item).as_admin is as_admin
    planned.execute(item.id, "reopen", actor, reason="复查")
    assert last_event(planned, item).as_admin is as_admin
    planned.execute(item.id, "edit", OTHER, deliverable="口头汇报", reason="简化")
    planned.execute(item.id, "decide-deliverable", actor, grant=False, note="不同意")
    assert last_event(planned, item).as_admin is as_admin
    requests = planned.get_item(item.id).due_requests
    assert [(r["new_due"], r["by"], r["granted"], r["as_admin"]) for r in requests] == [
        ("2012-10-31", "other", True, as_admin)]


def test_the_review_lists_changes_with_who_asked_and_who_decided(
        planned: TrackerApplication, read_models: ReadModels, queries: Queries) -> None:
    item = planned.get_item("c1", "a").id
    planned.execute(item, "request-extension", OTHER, new_due=date(2012, 10, 31), reason="晚")
    planned.execute(item, "decide-extension", ADMIN, grant=True, note="同意")
    planned.execute(item, "edit", BOSS, deliverable="制度修订稿", reason="明确要求")
    read_models.catch_up()
    changes = review(queries, "a")["changes"]
    assert [(c["old"], c["new"], c["asked_by"], c["as_admin"]) for c in changes] == [
        ("2012-08-31", "2012-10-31", "成员", True), ("", "制度修订稿", "", False)]
    zh = changes_section(lang("zh"), {"changes": changes})
    assert zh.rows[0][5] == "管理员（以管理员身份）" and zh.rows[1][5] == "组长"
    assert "2012年10月31日" in zh.rows[0][3]
    en = changes_section(lang("en"), {"changes": changes})
    assert en.rows[0][5] == "Administrator (as administrator)"


# -- every plan has recorded roles ------------------------------------------------------------


def test_a_created_plan_records_its_creating_person_as_group_leader(
        app: TrackerApplication) -> None:
    app.add_person(SYSTEM, "boss", "组长", "group_leader")
    app.create_plan(Actor("boss", "admin", "bossadmin"), key="p", title="方案",
                    starts=date(2012, 1, 1), ends=date(2012, 12, 31))
    assert app.leadership("p") == {"boss": "group_leader"}
    app.create_plan(SYSTEM, key="q", title="方案二", starts=date(2012, 1, 1),
                    ends=date(2012, 12, 31))
    assert app.leadership("q") == {}  # no one leads it but administrators


def test_an_imported_plan_without_roles_records_them_and_no_leader_leads_it(
        app: TrackerApplication, clock: Any) -> None:
    clock.now = shanghai(date(2012, 6, 1))
    roleless = PLAN.replace("role: group_leader", "role: none").replace(
        "role: deputy", "role: none").replace("role: member", "role: none")
    import_plan(app, parse_plan_file(roleless), SYSTEM)
    assert app.get_plan("a").leadership == {}
    item = app.get_item("c1", "a").id
    with pytest.raises(PermissionDeniedError, match="leadership group"):
        app.execute(item, "chase", BOSS, note="请尽快")
    app.execute(item, "chase", ADMIN, note="请尽快")


def test_a_legacy_plan_without_recorded_roles_gets_them_from_the_people_it_names(
        app: TrackerApplication, clock: Any) -> None:
    clock.now = shanghai(date(2012, 6, 1))
    for key, role in (("boss", "group_leader"), ("chief", "deputy"), ("other", "member"),
                      ("outsider", "deputy")):
        app.add_person(SYSTEM, key, key, role)
    app.add_unit(SYSTEM, "u1", "第一支部")
    # A plan stored before roles were recorded: its Created event and nothing else.
    legacy = Plan.create(actor="boss", key="old", title="旧方案", starts=date(2012, 1, 1),
                         ends=date(2012, 12, 31),
                         goals=[{"key": "g", "title": "目标", "leader": "chief"}])
    app.save(legacy)
    assert app.get_plan("old").leadership is None
    item = app.create_item(SYSTEM, "old", title="旧事项", owner="other", lead_unit="u1",
                           due=date(2012, 9, 1)).id
    assert app.leadership("old") == {"boss": "group_leader", "chief": "deputy",
                                     "other": "member"}
    with pytest.raises(PermissionDeniedError, match="leadership group"):
        app.execute(item, "chase", Actor("outsider", "leader", "outsider"), note="催")
    app.execute(item, "chase", CHIEF, note="催")
    promoted = app.get_person("other")  # a later role counts: the roles are not kept stale
    promoted.change_role(actor="system", role="deputy")
    app.save(promoted)
    assert app.leadership("old") == {"boss": "group_leader", "chief": "deputy",
                                     "other": "deputy"}
    fresh = TrackerApplication(env=dict(app.env))  # another process reads the same roles
    try:
        assert fresh.leadership("old") == app.leadership("old")
    finally:
        fresh.close()


def test_a_leader_without_roles_anywhere_leads_nothing() -> None:
    from tracker.domain.leadership import may_lead

    assert not may_lead(None, "boss", "accept")
    assert not may_lead({}, "boss", "accept")
    assert may_lead({"boss": "deputy"}, "boss", "accept")


def test_old_decisions_load_as_taken_by_a_role(planned: TrackerApplication) -> None:
    item = planned.get_item("c1", "a")
    planned.execute(item.id, "submit", OTHER, outcome="完成")
    planned.execute(item.id, "accept", BOSS)
    stored = planned.recorder.select_events(item.id, desc=True, limit=1)[0]
    state = planned.mapper.transcoder.decode(stored.state)
    for key in ("class_version", "as_admin", "reason", "open_children"):
        state.pop(key)
    old = type(stored)(stored.originator_id, stored.originator_version, stored.topic,
                       planned.mapper.transcoder.encode(state))
    event = planned.mapper.to_domain_event(old)
    assert (event.as_admin, event.reason, event.open_children) == (False, "", [])



# -- the same rules in the pages and the API ------------------------------------------------

WEB_PLAN = """\
plan: {key: k, title: 子项方案, starts: 2012-01-01, ends: 2012-12-31}
units: [{key: u1, name: 第一支部}]
people:
  - {key: director, name: 管理员, role: group_leader}
  - {key: chief, name: 组长, role: deputy}
  - {key: owner, name: 负责人, role: member}
items:
  - {key: kp, title: 父事项, owner: owner, lead_unit: u1, due: 2012-09-30}
  - {key: kc, title: 子事项, owner: owner, lead_unit: u1, due: 2012-08-31, parent: kp}
"""


class Now:
    """The site's clock and its events' timestamps, moved by the tests."""

    def __init__(self) -> None:
        self.at = datetime(2012, 6, 1, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def site(web_app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Flask, Now]]:
    """The seeded site with plan k (a parent and its sub-item) and an administrator account
    that is no one (``root``)."""
    now = Now()
    monkeypatch.setattr(eventsourcing.domain, "datetime_now_with_tzinfo", now)
    svc = services_of(web_app)
    svc.tracker.clock = now
    seed(web_app)
    svc.accounts.add("root", "admin", person=None, password=password_of("root"), check_policy=False)
    svc.sync(import_plan(svc.tracker, parse_plan_file(WEB_PLAN), SYSTEM).notification_id)
    yield web_app, now


def zh_client(app: Flask, login: str) -> tuple[FlaskClient, str]:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    return client, sign_in(client, login)


def call(app: Flask, login: str, method: str, url: str, **body: Any) -> Any:
    return app.test_client().open(url, method=method, json=body or None,
                                  headers=bearer(api_token(app, login)))


def test_the_accept_form_asks_for_the_reason_while_sub_items_are_open(
        site: tuple[Flask, Now]) -> None:
    app, _ = site
    parent = str(item_id("k", "kp"))
    assert call(app, "member", "POST", f"/api/items/{parent}/submit",
                outcome="完成").status_code == 200
    client, token = zh_client(app, "leader")
    html = client.get(f"/items/{parent}").get_data(as_text=True)
    assert "尚有 1 个子项未完成：须记录理由方可验收。" in html
    form = html[html.index("action action-accept"):]
    assert 'id="f-accept-reason"' in form[:form.index("</form>")]
    page = client.get(f"/items/{iid('mine')}").get_data(as_text=True)
    assert 'id="f-accept-reason"' not in page  # no sub-items: no reason asked
    expected = services_of(app).queries.get_card(parent)["version"]
    refused = hx_post(client, f"/items/{parent}/commands/accept", token,
                      expected_version=str(expected), note="")
    assert refused.status_code == 422
    assert "尚有 1 个子项未完成：须填写仍予验收的理由。" in refused.get_data(as_text=True)
    assert services_of(app).queries.get_card(parent)["status"] == "submitted"
    done = hx_post(client, f"/items/{parent}/commands/accept", token,
                   expected_version=str(expected), reason="子事项另行验收")
    assert done.status_code == 200
    html = client.get(f"/items/{parent}").get_data(as_text=True)
    assert "验收时尚有 1 个子项未完成" in html  # the badge
    assert "验收通过，尚有 1 个子项未完成" in html and "子事项另行验收" in html  # the timeline
    audit = client.get("/audit?plan=k").get_data(as_text=True)
    assert "尚有 1 个子项未完成：子事项另行验收" in audit


def test_the_api_refuses_an_accept_over_open_sub_items_without_a_reason(
        site: tuple[Flask, Now]) -> None:
    app, _ = site
    url = f"/api/items/{item_id('k', 'kp')}"
    call(app, "member", "POST", f"{url}/submit", outcome="完成")
    refused = call(app, "leader", "POST", f"{url}/accept", note="好")
    assert refused.status_code == 422 and refused.get_json()["field"] == "reason"
    assert call(app, "leader", "POST", f"{url}/accept", reason="另行验收").status_code == 200


def test_an_administrators_decision_reads_as_such_everywhere(site: tuple[Flask, Now]) -> None:
    app, _ = site
    url = f"/api/items/{iid('mine')}"
    assert call(app, "member", "POST", f"{url}/request-extension", new_due="2012-07-31",
                reason="材料未齐").status_code == 200
    assert call(app, "root", "POST", f"{url}/decide-extension", grant=True,
                note="同意").status_code == 200
    client, _ = zh_client(app, "member")
    page = client.get(f"/items/{iid('mine')}").get_data(as_text=True)
    assert "管理员（以管理员身份）" in page  # the timeline
    assert ("负责人 于 2012年6月1日 申请改至 2012年7月31日；"
            "管理员（以管理员身份） 于 2012年6月1日 批准") in page  # the request and its decision
    audit = client.get("/audit?plan=web").get_data(as_text=True)
    assert "管理员（以管理员身份）将“负责人的事项”的办结时限由" in audit
    board = client.get("/plans/web/board").get_data(as_text=True)
    card = board[board.index(f'id="card-{iid("mine")}"'):]
    assert "时限调整 1 次</span>" in card[:card.index("</article>")]
    assert "申请改至 2012年7月31日" in card[:card.index("</article>")]  # the title lists it
    ledger = client.get("/reports/leaders/owner?plan=web").get_data(as_text=True)
    assert "时限调整 1 次，原定 2012年6月30日 → 现行 2012年7月31日" in ledger
    en = app.test_client()
    en.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    sign_in(en, "member")
    assert "(as administrator)" in en.get(f"/items/{iid('mine')}").get_data(as_text=True)
    review = en.get("/reports/review?plan=web").get_data(as_text=True)
    assert "Administrator (as administrator)" in review


def test_the_undo_offer_ends_with_the_window(site: tuple[Flask, Now]) -> None:
    app, now = site
    client, _ = zh_client(app, "leader")
    url = f"/api/items/{iid('theirs')}"
    moved = call(app, "leader", "POST", f"{url}/reassign", owner="owner", reason="调整")
    assert moved.status_code == 200
    assert "action-undo" in client.get(f"/items/{iid('theirs')}").get_data(as_text=True)
    now.at += timedelta(minutes=31)
    assert "action-undo" not in client.get(f"/items/{iid('theirs')}").get_data(as_text=True)
    version = call(app, "leader", "GET", url).get_json()["version"]
    refused = call(app, "leader", "POST", f"{url}/undo", version=version)
    assert refused.status_code == 409 and "30" in refused.get_json()["message"]
    assert call(app, "leader", "GET", url).get_json()["owner"] == "owner"
