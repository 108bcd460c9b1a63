"""Domain rules of the work item, without I/O."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.domain import Plan, WorkItem
from tracker.errors import IllegalStateError, PermissionDeniedError, ValidationError

PERIOD = (date(2012, 3, 20), date(2012, 12, 31))


def new_item(**overrides: object) -> WorkItem:
    fields: dict[str, object] = dict(
        actor="admin", plan_key="ogy", period=PERIOD, key="k1", title="召开党员大会",
        owner="owner", lead_unit="teachers", due=date(2012, 6, 30), units=["students"],
        deliverable="会议纪要")
    fields.update(overrides)
    return WorkItem.create(**fields)  # type: ignore[arg-type]


def submitted_item() -> WorkItem:
    item = new_item()
    item.start(actor="owner")
    item.submit_completion(actor="owner", outcome="done", evidence=["http://e/1"],
                           on=date(2012, 6, 1))
    return item


def test_new_item_is_todo_with_original_due_date_kept() -> None:
    item = new_item()
    assert (item.status, item.due, item.original_due) == ("todo", date(2012, 6, 30),
                                                          date(2012, 6, 30))


def test_every_event_records_its_actor() -> None:
    item = new_item()
    item.start(actor="owner")
    item.chase(actor="leader", note="hurry")
    assert [e.actor for e in item.collect_events()] == ["admin", "owner", "leader"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("title", ["", "   ", "x" * 501, "a\x00b"])
def test_bad_title_is_refused(title: str) -> None:
    with pytest.raises(ValidationError):
        new_item(title=title)


def test_due_date_outside_plan_period_is_refused() -> None:
    with pytest.raises(ValidationError, match="outside the plan period"):
        new_item(due=date(2013, 1, 1))


@pytest.mark.parametrize("percent", [140, -1, True, "50"])
def test_percent_outside_0_to_100_is_refused_and_records_nothing(percent: object) -> None:
    item = new_item()
    item.collect_events()
    with pytest.raises(ValidationError):
        item.report_progress(actor="owner", note="n", percent=percent)  # type: ignore[arg-type]
    assert item.collect_events() == []


def test_report_moves_todo_to_doing_and_keeps_percent() -> None:
    item = new_item()
    item.report_progress(actor="owner", note="half", percent=50, on=date(2012, 5, 1))
    assert (item.status, item.percent, item.last_report_on) == ("doing", 50, date(2012, 5, 1))


def test_accepting_what_was_never_submitted_is_refused() -> None:
    item = new_item()
    with pytest.raises(IllegalStateError):
        item.accept(actor="leader")


def test_no_one_accepts_their_own_completion() -> None:
    item = submitted_item()
    with pytest.raises(PermissionDeniedError):
        item.accept(actor="owner")


def test_accept_makes_item_done() -> None:
    item = submitted_item()
    item.accept(actor="leader", note="ok")
    assert (item.status, item.percent) == ("done", 100)


def test_return_sends_item_back_to_doing_and_counts() -> None:
    item = submitted_item()
    item.return_completion(actor="leader", reason="incomplete")
    item.submit_completion(actor="owner", outcome="again")
    item.return_completion(actor="leader", reason="still incomplete")
    assert (item.status, item.returns, item.completion) == ("doing", 2, None)


def test_return_needs_a_reason() -> None:
    item = submitted_item()
    with pytest.raises(ValidationError):
        item.return_completion(actor="leader", reason=" ")


def test_granted_extension_moves_due_in_force_and_keeps_original() -> None:
    item = new_item()
    item.request_extension(actor="owner", new_due=date(2012, 7, 31), reason="busy", period=PERIOD)
    item.decide_extension(actor="leader", grant=True, note="ok")
    assert (item.due, item.original_due, item.pending_extension) == (
        date(2012, 7, 31), date(2012, 6, 30), None)


def test_refused_extension_keeps_due_date() -> None:
    item = new_item()
    item.request_extension(actor="owner", new_due=date(2012, 7, 31), reason="busy", period=PERIOD)
    item.decide_extension(actor="leader", grant=False, note="no")
    assert item.due == date(2012, 6, 30)


def test_extension_must_be_later_and_inside_the_plan() -> None:
    item = new_item()
    with pytest.raises(ValidationError):
        item.request_extension(actor="owner", new_due=date(2012, 6, 1), reason="r", period=PERIOD)
    with pytest.raises(ValidationError):
        item.request_extension(actor="owner", new_due=date(2013, 2, 1), reason="r", period=PERIOD)


def test_second_pending_extension_request_is_refused() -> None:
    item = new_item()
    item.request_extension(actor="owner", new_due=date(2012, 7, 31), reason="r", period=PERIOD)
    with pytest.raises(IllegalStateError):
        item.request_extension(actor="owner", new_due=date(2012, 8, 31), reason="r", period=PERIOD)


def test_owner_cannot_decide_own_extension() -> None:
    item = new_item()
    item.request_extension(actor="owner", new_due=date(2012, 7, 31), reason="r", period=PERIOD)
    with pytest.raises(PermissionDeniedError):
        item.decide_extension(actor="owner", grant=True)


def test_deciding_without_a_request_is_refused() -> None:
    with pytest.raises(IllegalStateError):
        new_item().decide_extension(actor="leader", grant=True)


def test_reassign_records_old_and_new_owner_with_reason() -> None:
    item = new_item()
    item.collect_events()
    item.reassign(actor="leader", owner="other", reason="workload")
    (event,) = item.collect_events()
    assert (event.old_owner, event.owner, event.reason) == ("owner", "other", "workload")  # type: ignore[attr-defined]


def test_reassign_to_the_same_owner_is_refused() -> None:
    with pytest.raises(ValidationError):
        new_item().reassign(actor="leader", owner="owner", reason="r")


def test_editing_a_cancelled_item_is_refused() -> None:
    item = new_item()
    item.cancel(actor="leader", reason="no longer needed")
    with pytest.raises(IllegalStateError):
        item.edit(actor="leader", title="new")


def test_edit_keeps_old_and_new_values() -> None:
    item = new_item()
    item.collect_events()
    item.edit(actor="leader", title="新标题", description="d")
    (event,) = item.collect_events()
    assert event.changes == {"title": ["召开党员大会", "新标题"], "description": ["", "d"]}  # type: ignore[attr-defined]


def test_edit_with_same_values_records_nothing() -> None:
    item = new_item()
    item.collect_events()
    item.edit(actor="leader", title="召开党员大会")
    assert item.collect_events() == []


def test_cancel_and_reopen() -> None:
    item = new_item()
    item.cancel(actor="leader", reason="r")
    with pytest.raises(IllegalStateError):
        item.start(actor="owner")
    item.reopen(actor="leader", reason="needed after all")
    assert item.status == "doing"


def test_reopen_of_an_open_item_is_refused() -> None:
    with pytest.raises(IllegalStateError):
        new_item().reopen(actor="leader", reason="r")


def test_owner_cannot_chase_own_item() -> None:
    with pytest.raises(PermissionDeniedError):
        new_item().chase(actor="owner", note="n")


def test_chases_are_counted() -> None:
    item = new_item()
    item.chase(actor="leader", note="1")
    item.chase(actor="leader", note="2")
    assert item.chases == 2


def test_change_units_drops_lead_from_supporting() -> None:
    item = new_item()
    item.change_units(actor="leader", lead_unit="students", units=["students", "graduates"])
    assert (item.lead_unit, item.units) == ("students", ["graduates"])


def test_plan_refuses_reversed_period_and_phase_outside_it() -> None:
    with pytest.raises(ValidationError):
        Plan.create(actor="a", key="p", title="t", starts=date(2012, 5, 1), ends=date(2012, 1, 1))
    with pytest.raises(ValidationError):
        Plan.create(actor="a", key="p", title="t", starts=date(2012, 1, 1),
                    ends=date(2012, 12, 31), phases=[{"key": "P1", "title": "x",
                                                      "starts": date(2011, 12, 1),
                                                      "ends": date(2012, 2, 1)}])


def test_plan_edit_records_old_values() -> None:
    plan = Plan.create(actor="a", key="p", title="t", starts=date(2012, 1, 1),
                       ends=date(2012, 12, 31))
    plan.collect_events()
    plan.edit(actor="a", title="t2")
    (event,) = plan.collect_events()
    assert event.changes == {"title": ["t", "t2"]}  # type: ignore[attr-defined]
