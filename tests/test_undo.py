"""Undo: the latest move, cancel, reassignment or new due date is compensated by an Undone
event; nothing is deleted or rewritten; anything else is refused with a message."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.application import TrackerApplication
from tracker.errors import ConflictError, IllegalStateError, PermissionDeniedError
from tracker.permissions import SYSTEM, Actor

OWNER = Actor("owner", "member")
LEADER = Actor("leader", "leader")


@pytest.fixture
def seeded(app: TrackerApplication) -> TrackerApplication:
    for key, role in (("owner", "member"), ("leader", "deputy"), ("other", "member")):
        app.add_person(SYSTEM, key, key.title(), role)
    app.create_plan(SYSTEM, key="p", title="Plan", starts=date(2012, 3, 20),
                    ends=date(2012, 12, 31), goals=[], phases=[],
                    leadership={"leader": "deputy"})
    app.add_unit(SYSTEM, "u1", "Unit 1", ["leader"])
    return app


@pytest.fixture
def item(seeded: TrackerApplication) -> str:
    result = seeded.create_item(LEADER, "p", title="Item", owner="owner", lead_unit="u1",
                                due=date(2012, 6, 30))
    return str(result.id)


def stored(app: TrackerApplication, item: str) -> list[tuple[int, str, bytes]]:
    return [(s.originator_version, s.topic, s.state)
            for s in app.recorder.select_events(app.get_item(item).id)]


def test_an_accidental_cancel_is_undone_by_a_compensating_event(
        seeded: TrackerApplication, item: str) -> None:
    seeded.execute(item, "start", OWNER)
    seeded.execute(item, "cancel", LEADER, reason="wrong item")
    before = stored(seeded, item)
    result = seeded.execute(item, "undo", LEADER, version=3, reason="clicked the wrong card")
    after = stored(seeded, item)
    assert after[:len(before)] == before  # nothing deleted or rewritten
    assert after[-1][1].endswith("WorkItem.Undone")
    restored = seeded.get_item(item)
    assert (restored.status, result.version) == ("doing", 4)


def test_the_undone_event_names_the_change_and_what_it_restores(
        seeded: TrackerApplication, item: str) -> None:
    seeded.execute(item, "reassign", LEADER, owner="other", reason="busy")
    seeded.execute(item, "comment", LEADER, text="a comment does not block the undo")
    seeded.execute(item, "undo", LEADER, version=2)
    last = seeded.recorder.select_events(seeded.get_item(item).id, desc=True, limit=1)[0]
    event = seeded.mapper.to_domain_event(last)
    assert (event.undoes, event.undone_type) == (2, "Reassigned")  # type: ignore[attr-defined]
    assert event.changes == {"owner": ["other", "owner"]}  # type: ignore[attr-defined]
    assert seeded.get_item(item).owner == "owner"


@pytest.mark.parametrize(("command", "values", "field", "old"), [
    ("start", {}, "status", "todo"),
    ("reschedule", {"due": date(2012, 7, 31), "reason": "late"}, "due", date(2012, 6, 30)),
    ("submit", {"outcome": "done"}, "completion", None),
])
def test_moves_and_new_due_dates_are_restored(seeded: TrackerApplication, item: str,
                                               command: str, values: dict, field: str,
                                               old: object) -> None:
    seeded.execute(item, command, OWNER, **values)
    if command == "reschedule":  # a due-date change is a request until another decides
        seeded.execute(item, "decide-extension", LEADER, grant=True)
        seeded.execute(item, "undo", LEADER, version=3)
    else:
        seeded.execute(item, "undo", OWNER, version=2)
    assert getattr(seeded.get_item(item), field) == old


def test_an_undo_cannot_itself_be_undone_or_repeated(
        seeded: TrackerApplication, item: str) -> None:
    seeded.execute(item, "start", OWNER)
    seeded.execute(item, "undo", OWNER, version=2)
    for version in (2, 3):
        with pytest.raises(IllegalStateError, match="already undone"):
            seeded.execute(item, "undo", OWNER, version=version)


def test_only_the_latest_change_can_be_undone(seeded: TrackerApplication, item: str) -> None:
    seeded.execute(item, "start", OWNER)
    seeded.execute(item, "reassign", LEADER, owner="other", reason="busy")
    head = seeded.recorder.max_notification_id()
    with pytest.raises(IllegalStateError, match="Only the latest change"):
        seeded.execute(item, "undo", LEADER, version=2)
    assert seeded.recorder.max_notification_id() == head


def test_a_report_or_a_fresh_item_has_nothing_undoable(
        seeded: TrackerApplication, item: str) -> None:
    with pytest.raises(IllegalStateError, match="no change to undo"):
        seeded.execute(item, "undo", LEADER, version=1)
    seeded.execute(item, "report", OWNER, note="half way", percent=50)
    with pytest.raises(IllegalStateError, match="Only a move"):
        seeded.execute(item, "undo", LEADER, version=2)


def test_no_one_undoes_another_persons_change_and_stale_pages_are_refused(
        seeded: TrackerApplication, item: str) -> None:
    seeded.execute(item, "start", OWNER)
    with pytest.raises(PermissionDeniedError, match="who made this change"):
        seeded.execute(item, "undo", LEADER, version=2)
    with pytest.raises(ConflictError):
        seeded.execute(item, "undo", OWNER, expected_version=1, version=2)
