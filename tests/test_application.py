"""Application commands on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from tracker.application import TrackerApplication
from tracker.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    UnknownReferenceError,
    ValidationError,
)
from tracker.permissions import SYSTEM, Actor

OWNER = Actor("owner", "member")
LEADER = Actor("leader", "leader")
VIEWER = Actor("viewer", "viewer")


@pytest.fixture
def seeded(app: TrackerApplication) -> TrackerApplication:
    app.create_plan(
        SYSTEM,
        key="p",
        title="Plan",
        starts=date(2012, 3, 20),
        ends=date(2012, 12, 31),
        goals=[{"key": "G1", "title": "goal"}],
        phases=[
            {"key": "P1", "title": "phase", "starts": date(2012, 3, 20), "ends": date(2012, 6, 30)}
        ],
    )
    for key, role in (("owner", "member"), ("leader", "deputy"), ("other", "member")):
        app.add_person(SYSTEM, key, key.title(), role)
    app.set_leadership(SYSTEM, "p", {"leader": "deputy"})
    app.add_unit(SYSTEM, "u1", "Unit 1", ["leader"])
    app.add_unit(SYSTEM, "u2", "Unit 2")
    return app


def create(app: TrackerApplication, **kw: object):  # type: ignore[no-untyped-def]
    fields: dict[str, object] = dict(
        title="Item", owner="owner", lead_unit="u1", due=date(2012, 6, 30), phase="P1", goal="G1"
    )
    fields.update(kw)
    return app.create_item(LEADER, "p", **fields)  # type: ignore[arg-type]


def head(app: TrackerApplication) -> int | None:
    return app.recorder.max_notification_id()


def test_full_lifecycle_is_stored_and_reloaded(seeded: TrackerApplication) -> None:
    r = create(seeded)
    seeded.execute(r.id, "start", OWNER)
    seeded.execute(r.id, "report", OWNER, note="half", percent="50")
    seeded.execute(r.id, "submit", OWNER, outcome="done", evidence=["a", "b"], on="2012-06-20")
    result = seeded.execute(r.id, "accept", LEADER, note="fine")
    item = seeded.get_item(r.id)
    assert (item.status, result.version, item.completion["evidence"]) == ("done", 5, ["a", "b"])  # type: ignore[index]


def test_retried_create_with_same_key_writes_nothing(seeded: TrackerApplication) -> None:
    first = create(seeded, key="k")
    before = head(seeded)
    again = create(seeded, key="k")
    assert (again.id, head(seeded)) == (first.id, before)


@pytest.mark.parametrize(
    "field,value",
    [
        ("owner", "ghost"),
        ("lead_unit", "nowhere"),
        ("phase", "P9"),
        ("goal", "G9"),
        ("units", ["zz"]),
        ("parent", "nope"),
    ],
)
def test_unknown_reference_is_refused_and_nothing_stored(
    seeded: TrackerApplication, field: str, value: object
) -> None:
    before = head(seeded)
    with pytest.raises(UnknownReferenceError):
        create(seeded, **{field: value})
    assert head(seeded) == before


def test_stale_expected_version_raises_conflict_with_current_version(
    seeded: TrackerApplication,
) -> None:
    r = create(seeded)
    seeded.execute(r.id, "start", OWNER, expected_version=1)
    before = head(seeded)
    with pytest.raises(ConflictError) as info:
        seeded.execute(r.id, "report", OWNER, expected_version=1, note="late")
    assert (info.value.current_version, head(seeded)) == (2, before)


def test_concurrent_commands_with_same_expected_version_exactly_one_wins(
    seeded: TrackerApplication,
) -> None:
    r = create(seeded)
    outcomes: list[str] = []
    barrier = threading.Barrier(6)

    def send(n: int) -> None:
        barrier.wait()
        try:
            seeded.execute(r.id, "comment", OWNER, expected_version=1, text=f"c{n}")
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=send, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 5 + ["ok"]
    assert seeded.get_item(r.id).version == 2


def test_lost_race_without_expected_version_is_a_conflict(seeded: TrackerApplication) -> None:
    r = create(seeded)
    stale = seeded.get_item(r.id)
    seeded.execute(r.id, "start", OWNER)
    stale.comment(actor="owner", text="from a stale copy")
    with pytest.raises(ConflictError) as info:
        seeded._commit(stale)
    assert info.value.current_version == 2


def test_viewer_is_refused_and_nothing_stored(seeded: TrackerApplication) -> None:
    r = create(seeded)
    before = head(seeded)
    with pytest.raises(PermissionDeniedError):
        seeded.execute(r.id, "comment", VIEWER, text="hi")
    assert head(seeded) == before


def test_member_cannot_act_on_someone_elses_item(seeded: TrackerApplication) -> None:
    r = create(seeded)
    with pytest.raises(PermissionDeniedError):
        seeded.execute(r.id, "start", Actor("other", "member"))


def test_member_cannot_chase_or_accept(seeded: TrackerApplication) -> None:
    r = create(seeded, owner="other")
    for command, args in (("chase", {"note": "n"}), ("cancel", {"reason": "r"})):
        with pytest.raises(PermissionDeniedError):
            seeded.execute(r.id, command, OWNER, **args)


def test_reassign_to_unknown_person_is_refused(seeded: TrackerApplication) -> None:
    r = create(seeded)
    with pytest.raises(UnknownReferenceError):
        seeded.execute(r.id, "reassign", LEADER, owner="ghost", reason="r")


def test_extension_outside_plan_is_refused(seeded: TrackerApplication) -> None:
    r = create(seeded)
    with pytest.raises(ValidationError):
        seeded.execute(r.id, "request-extension", OWNER, new_due="2013-03-01", reason="r")


@pytest.mark.parametrize(
    "values",
    [
        {"note": "n", "percent": "abc"},
        {"note": "n", "on": "2012-13-45"},
        {"percent": 5},
        {"note": "n", "colour": "red"},
        {"note": ["x"]},
    ],
)
def test_malformed_arguments_are_refused(seeded: TrackerApplication, values: dict) -> None:
    r = create(seeded)
    with pytest.raises(ValidationError):
        seeded.execute(r.id, "report", OWNER, **values)


def test_unknown_item_and_unknown_command_are_not_found(seeded: TrackerApplication) -> None:
    r = create(seeded)
    with pytest.raises(NotFoundError):
        seeded.execute("not-a-uuid", "start", OWNER)
    with pytest.raises(NotFoundError):
        seeded.execute(r.id, "explode", OWNER)


def test_today_is_judged_in_the_configured_time_zone(app: TrackerApplication) -> None:
    # the fixture's clock is 2012-06-01 02:00 UTC, which is 10:00 in Shanghai
    assert app.today() == date(2012, 6, 1)


def test_a_save_of_several_aggregates_is_all_or_nothing_when_one_conflicts(
    seeded: TrackerApplication,
) -> None:
    first = create(seeded, key="a")
    second = create(seeded, key="b")
    stale_b = seeded.get_item(second.id)
    seeded.execute(second.id, "start", OWNER)  # b moves on; the copy above is now stale
    fresh_a = seeded.get_item(first.id)
    fresh_a.comment(actor="owner", text="would be saved")
    stale_b.comment(actor="owner", text="conflicts")
    before = head(seeded)
    with pytest.raises(ConflictError):
        seeded._commit(fresh_a, stale_b)
    assert head(seeded) == before
    assert seeded.get_item(first.id).version == 1


def test_many_rounds_of_racing_threads_each_have_exactly_one_winner(
    seeded: TrackerApplication,
) -> None:
    r = create(seeded)
    for round_number in range(5):
        version = seeded.get_item(r.id).version
        wins: list[int] = []
        conflicts: list[int] = []
        barrier = threading.Barrier(4)

        def send(
            n: int,
            version: int = version,
            barrier: threading.Barrier = barrier,
            wins: list[int] = wins,
            conflicts: list[int] = conflicts,
        ) -> None:
            barrier.wait()
            try:
                seeded.execute(r.id, "comment", OWNER, expected_version=version, text=f"{n}")
                wins.append(n)
            except ConflictError as e:
                conflicts.append(e.current_version or 0)

        threads = [threading.Thread(target=send, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(wins) == 1, f"round {round_number}: {wins}"
        assert conflicts == [version + 1] * 3


def test_the_roles_a_plan_hands_out_are_the_callers_own(seeded: TrackerApplication) -> None:
    roles = seeded.leadership("p")
    assert roles == {"leader": "deputy"}
    roles["leader"] = "group_leader"  # a caller changing its copy changes no plan
    assert seeded.leadership("p") == {"leader": "deputy"}
    assert seeded.get_plan("p").leadership == {"leader": "deputy"}


def test_an_item_command_tells_the_roles_it_was_decided_under(
        seeded: TrackerApplication) -> None:
    r = create(seeded)
    started = seeded.execute(r.id, "start", OWNER)
    assert (started.plan_key, started.leadership) == ("p", {"leader": "deputy"})
    started.leadership["owner"] = "deputy"  # the caller's copy
    assert seeded.leadership("p") == {"leader": "deputy"}
