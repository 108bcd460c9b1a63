"""Accountability the people it judges cannot bend: due dates move only by another's decision,
lateness stays with whoever was late, reviewers' decisions stand, leaders lead only their plans.
Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from projections_fixtures import *  # noqa: F403
from projections_fixtures import shanghai

from projections import Queries, ReadModels
from tracker.application import TrackerApplication
from tracker.domain import WorkItem
from tracker.errors import PermissionDeniedError, ValidationError
from tracker.importer import import_plan
from tracker.permissions import SYSTEM, Actor
from tracker.planfile import parse_plan_file

CHIEF = Actor("chief", "leader", "chief")  # deputy in plan a, no role in plan b
BOSS = Actor("boss", "leader", "boss")  # group leader of both plans
OTHER = Actor("other", "member", "other")
ADMIN = Actor(None, "admin", "admin")
PLAN = """\
plan: {{key: {key}, title: 方案{key}, starts: 2012-01-01, ends: 2012-12-31}}
units: [{{key: u1, name: 第一支部}}]
people:
{people}
items:
  - {{key: late, title: 逾期事项, owner: {owner}, lead_unit: u1, due: 2012-05-15}}
  - {{key: early, title: 四月事项, owner: {owner}, lead_unit: u1, due: 2012-04-22}}
"""
PEOPLE_A = """\
  - {key: boss, name: 组长, role: group_leader}
  - {key: chief, name: 副组长, role: deputy}
  - {key: other, name: 成员, role: member}
"""
PEOPLE_B = """\
  - {key: boss, name: 组长, role: group_leader}
  - {key: other, name: 成员, role: member}
"""


@pytest.fixture
def plans(app: TrackerApplication, clock, stamped) -> TrackerApplication:
    """Plan a (chief is deputy and owns its items) and plan b (chief has no role)."""
    clock.now = shanghai(date(2012, 3, 1))
    import_plan(app, parse_plan_file(PLAN.format(key="a", people=PEOPLE_A, owner="chief")),
                SYSTEM)
    import_plan(app, parse_plan_file(PLAN.format(key="b", people=PEOPLE_B, owner="other")),
                SYSTEM)
    clock.now = shanghai(date(2012, 6, 1))
    return app


def figures(q: Queries, rm: ReadModels, person: str) -> dict:
    rm.catch_up()
    return next(r for r in q.ledger(plan_key="a") if r["person"] == person)


def overdue_of(row: dict, key: str) -> list[int]:
    """The overdue days the person's ledger row holds for one item."""
    return [i["days"] for i in row["items"]["overdue"] if i["key"] == key]


def test_an_owner_leaders_due_date_change_waits_for_another_reviewer(
        plans: TrackerApplication, read_models: ReadModels, queries: Queries) -> None:
    item = plans.get_item("late", "a")
    before = figures(queries, read_models, "chief")
    assert overdue_of(before, "late") == [17]
    plans.execute(item.id, "reschedule", CHIEF, due=date(2012, 12, 31), reason="年底完成")
    waiting = plans.get_item(item.id)
    assert waiting.due == date(2012, 5, 15)
    assert waiting.pending_extension["by"] == "chief"
    meanwhile = figures(queries, read_models, "chief")
    assert overdue_of(meanwhile, "late") == [17]
    assert meanwhile["overdue_days"] == before["overdue_days"]
    assert queries.get_card(str(item.id))["light"] == "red"
    with pytest.raises(PermissionDeniedError, match="own item or request"):
        plans.execute(item.id, "decide-extension", CHIEF, grant=True)
    plans.execute(item.id, "decide-extension", BOSS, grant=True, note="同意")
    granted = plans.get_item(item.id)
    assert (granted.due, granted.original_due, granted.due_changes) == (
        date(2012, 12, 31), date(2012, 5, 15), 1)
    row = figures(queries, read_models, "boss")
    assert row["deadline_changes"] == 0
    assert figures(queries, read_models, "chief")["deadline_changes"] == 1


def test_a_supervisor_may_ask_on_the_owners_behalf_but_not_decide_their_own_request(
        plans: TrackerApplication) -> None:
    item = plans.get_item("late", "a")
    plans.execute(item.id, "reschedule", BOSS, due=date(2012, 7, 31), reason="统一安排")
    with pytest.raises(PermissionDeniedError):
        plans.execute(item.id, "decide-extension", BOSS, grant=True)
    plans.execute(item.id, "decide-extension", ADMIN, grant=False, note="不同意")
    assert plans.get_item(item.id).due == date(2012, 5, 15)


def test_lateness_before_a_handover_stays_with_the_previous_owner(
        plans: TrackerApplication, read_models: ReadModels, queries: Queries, clock) -> None:
    item = plans.get_item("early", "a")  # due 2012-04-22: 40 days overdue on 2012-06-01
    plans.execute(item.id, "reassign", BOSS, owner="other", reason="调整分工")
    clock.now = shanghai(date(2012, 6, 11))
    chief, other = figures(queries, read_models, "chief"), figures(queries, read_models, "other")
    early = [i for i in chief["items"]["overdue"] if i["key"] == "early"]
    assert early == [{"id": str(item.id), "key": "early", "title": "四月事项", "plan_key": "a",
                      "days": 40, "until": date(2012, 6, 1)}]
    assert chief["overdue_days"] == 40 + 27  # and 27 days of "late", still chief's
    assert other["overdue_days"] == 10
    assert [(i["key"], i["days"]) for i in other["items"]["overdue"]] == [("early", 10)]


@pytest.mark.parametrize("decision", ["return", "reopen"])
def test_the_owner_cannot_undo_a_reviewers_decision(
        plans: TrackerApplication, decision: str) -> None:
    item = plans.get_item("late", "a").id
    plans.execute(item, "submit", CHIEF, outcome="材料齐全")
    if decision == "return":
        plans.execute(item, "return", BOSS, reason="材料不全")
    else:
        plans.execute(item, "accept", BOSS)
        plans.execute(item, "reopen", BOSS, reason="发现问题")
    before = plans.get_item(item)
    for actor in (CHIEF, ADMIN):
        with pytest.raises(PermissionDeniedError, match="who decided this") as refused:
            plans.execute(item, "undo", actor, version=before.version)
        assert refused.value.params["who"] == "boss"
    after = plans.get_item(item)
    assert (after.version, after.state) == (before.version, before.state)
    plans.execute(item, "undo", BOSS, version=before.version, reason="点错了")


def test_only_who_made_a_change_or_an_administrator_may_undo_it(
        plans: TrackerApplication) -> None:
    item = plans.get_item("late", "a").id
    plans.execute(item, "reassign", BOSS, owner="other", reason="调整分工")
    with pytest.raises(PermissionDeniedError, match="who made this change"):
        plans.execute(item, "undo", CHIEF, version=2)
    plans.execute(item, "undo", ADMIN, version=2, reason="误操作")
    assert plans.get_item(item).owner == "chief"


def test_a_leader_without_a_role_in_a_plan_is_a_reader_there(
        plans: TrackerApplication, read_models: ReadModels, queries: Queries) -> None:
    item = plans.get_item("late", "b").id
    plans.execute(item, "submit", OTHER, outcome="已完成")
    head = plans.recorder.max_notification_id()
    for command, values in (("chase", {"note": "请尽快"}), ("accept", {}),
                            ("reassign", {"owner": "boss", "reason": "调整"}),
                            ("cancel", {"reason": "不需要"})):
        with pytest.raises(PermissionDeniedError, match="leadership group"):
            plans.execute(item, command, CHIEF, **values)
    assert plans.recorder.max_notification_id() == head
    read_models.catch_up()
    assert queries.get_card(str(item))["status"] == "submitted"
    plans.execute(item, "accept", BOSS)


def test_roles_differ_by_plan_and_an_administrator_changes_them_as_events(
        plans: TrackerApplication) -> None:
    item = plans.get_item("late", "b").id
    assert plans.leadership("b") == {"boss": "group_leader", "other": "member"}
    plans.set_leadership(ADMIN, "b", {"boss": "group_leader", "chief": "office"})
    plans.execute(item, "chase", CHIEF, note="督查室催办")
    with pytest.raises(PermissionDeniedError):
        plans.execute(item, "reassign", CHIEF, owner="boss", reason="调整")
    with pytest.raises(PermissionDeniedError):
        plans.set_leadership(CHIEF, "b", {"chief": "group_leader"})
    topics = [s.topic for s in plans.recorder.select_events(plans.get_plan("b").id)]
    assert sum(t.endswith("Plan.LeadershipSet") for t in topics) == 2  # import, then admin
    assert plans.leadership("b") == {"boss": "group_leader", "chief": "office"}


def test_a_stored_direct_due_date_change_still_loads_and_counts(
        plans: TrackerApplication, read_models: ReadModels, queries: Queries) -> None:
    item = plans.get_item("late", "a")
    item.trigger_event(WorkItem.Rescheduled, actor="boss", old_due=item.due,
                       due=date(2012, 6, 30), reason="旧规则")
    plans.save(item)
    again = plans.get_item(item.id)
    assert (again.due, again.due_changes) == (date(2012, 6, 30), 1)
    assert figures(queries, read_models, "chief")["deadline_changes"] == 1


def test_an_owners_change_of_the_deliverable_waits_for_a_reviewer(
        plans: TrackerApplication, read_models: ReadModels, queries: Queries) -> None:
    item = plans.get_item("late", "a").id
    plans.execute(item, "edit", CHIEF, deliverable="口头汇报即可", reason="简化")
    waiting = plans.get_item(item)
    assert waiting.deliverable == ""
    assert waiting.pending_deliverable == {"deliverable": "口头汇报即可", "reason": "简化",
                                           "by": "chief"}
    with pytest.raises(PermissionDeniedError):
        plans.execute(item, "decide-deliverable", CHIEF, grant=True)
    plans.execute(item, "decide-deliverable", BOSS, grant=False, note="不同意")
    assert plans.get_item(item).deliverable == ""
    with pytest.raises(ValidationError):  # a reviewer's change needs a reason
        plans.execute(item, "edit", BOSS, deliverable="党组织职责制度（修订稿）")
    plans.execute(item, "edit", BOSS, deliverable="党组织职责制度（修订稿）", reason="明确要求")
    changed = plans.get_item(item)
    assert (changed.deliverable, changed.deliverable_changes) == ("党组织职责制度（修订稿）", 1)
    assert figures(queries, read_models, "chief")["deliverable_changes"] == 1
