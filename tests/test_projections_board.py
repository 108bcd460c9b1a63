"""The board, its lights, "as of" answers, history, audit, plans, units and people."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from projections_fixtures import *  # noqa: F403
from projections_fixtures import drive, load_demo, shanghai

from projections.lights import light
from tracker.permissions import SYSTEM, Actor

TODAY = date(2012, 6, 1)
BOSS = Actor(person="boss", role="leader", login="boss")


@pytest.mark.parametrize(("status", "due", "cadence", "last", "expected"), [
    ("doing", TODAY - timedelta(1), None, None, "red"),
    ("submitted", TODAY - timedelta(1), None, None, "red"),
    ("todo", TODAY, None, None, "yellow"),
    ("todo", TODAY + timedelta(3), None, None, "yellow"),
    ("todo", TODAY + timedelta(4), None, None, "green"),
    ("doing", TODAY + timedelta(30), 7, TODAY - timedelta(8), "yellow"),
    ("doing", TODAY + timedelta(30), 7, TODAY - timedelta(7), "green"),
    ("todo", TODAY + timedelta(30), 7, None, "yellow"),  # created 10 days ago, never reported
    ("submitted", TODAY + timedelta(30), 7, TODAY - timedelta(20), "green"),
    ("done", TODAY - timedelta(9), None, None, None),
    ("cancelled", TODAY - timedelta(9), None, None, None),
])
def test_light_rules(status, due, cadence, last, expected) -> None:
    created = TODAY - timedelta(10)
    assert light(status, due, TODAY, 3, cadence, last, created) == expected


def _setup(app, clock) -> dict[str, str]:
    clock.now = shanghai(date(2012, 5, 1))
    for key in ("alice", "bob"):
        app.add_person(SYSTEM, key, key.upper(), "member")
    app.add_person(SYSTEM, "boss", "BOSS", "group_leader")
    app.add_unit(SYSTEM, "u1", "Unit one", ["alice"])
    app.add_unit(SYSTEM, "u2", "Unit two")
    app.create_plan(SYSTEM, key="p", title="Plan", starts=date(2012, 1, 1),
                    ends=date(2012, 12, 31), goals=[{"key": "G1", "title": "Goal"}],
                    phases=[{"key": "P1", "title": "Phase", "starts": date(2012, 1, 1),
                             "ends": date(2012, 12, 31)}],
                    leadership={"boss": "group_leader"})
    spec = {"late": ("alice", date(2012, 5, 20), None, []),
            "soon": ("bob", date(2012, 6, 3), None, ["u2"]),
            "quiet": ("alice", date(2012, 9, 1), 7, []),
            "fine": ("bob", date(2012, 9, 1), None, []),
            "child": ("bob", date(2012, 5, 25), None, [])}
    ids = {}
    for key, (owner, due, every, units) in spec.items():
        ids[key] = str(app.create_item(
            BOSS, "p", key=key, title=f"Item {key}", owner=owner, lead_unit="u1", units=units,
            due=due, report_every_days=every, phase="P1", goal="G1",
            parent="fine" if key == "child" else None).id)
    clock.now = shanghai(TODAY)
    return ids


def test_board_cards_lights_filters_and_order(app, read_models, queries, clock, stamped) -> None:
    ids = _setup(app, clock)
    read_models.catch_up()
    cards = queries.board("p")
    assert [c["key"] for c in cards] == ["late", "child", "soon", "fine", "quiet"]
    assert {c["key"]: c["light"] for c in cards} == {
        "late": "red", "child": "red", "soon": "yellow", "fine": "green", "quiet": "yellow"}
    fine = next(c for c in cards if c["key"] == "fine")
    assert (fine["children_total"], fine["children_done"], fine["children_worst_light"]) == (
        1, 0, "red")
    assert fine["owner_name"] == "BOB" and fine["lead_unit_name"] == "Unit one"
    assert [c["key"] for c in queries.board(light="yellow")] == ["soon", "quiet"]
    assert [c["key"] for c in queries.board(light="red", owner="alice")] == ["late"]
    assert [c["key"] for c in queries.board(unit="u2")] == ["soon"]
    assert [c["key"] for c in queries.board(q="ITEM F")] == ["fine"]
    assert [c["key"] for c in queries.board(q="%")] == []
    assert [c["key"] for c in queries.board(offset=1, limit=2)] == ["child", "soon"]
    assert [c["key"] for c in queries.board(light="red", offset=1)] == ["child"]
    app.execute(ids["late"], "cancel", BOSS, reason="dropped")
    read_models.catch_up()
    assert "late" not in [c["key"] for c in queries.board()]
    assert [c["key"] for c in queries.board(status="cancelled")] == ["late"]
    assert len(queries.board(include_cancelled=True)) == 5
    assert queries.get_card(ids["late"])["light"] is None
    assert queries.get_card("not-a-uuid") is None


def test_board_as_of_past_instants_equals_what_was_shown(
        app, read_models, queries, clock, stamped) -> None:
    load_demo(app)
    rng = random.Random(42)
    shown = []
    for _ in range(6):
        drive(app, rng, 40, clock)
        read_models.catch_up()
        shown.append((clock.now, queries.board(), queries.board("ogy", light="red")))
    drive(app, rng, 40, clock)
    read_models.catch_up()
    for instant, board, red in shown:
        assert queries.board(as_of=instant) == board
        assert queries.board("ogy", light="red", as_of=instant) == red
    assert queries.board(as_of=shown[-1][0] - timedelta(days=3650)) == []


def test_history_tells_who_changed_what_from_what_and_why(
        app, read_models, queries, clock, stamped) -> None:
    ids = _setup(app, clock)
    app.execute(ids["fine"], "reassign", BOSS, owner="alice", reason="bob is busy")
    app.execute(ids["fine"], "report", Actor("alice", "member"), note="half", percent=50)
    read_models.catch_up()
    timeline = queries.history(ids["fine"])
    assert [e["event_type"] for e in timeline] == ["Created", "Reassigned", "ProgressReported"]
    moved = timeline[1]
    assert moved["actor"] == "boss" and moved["reason"] == "bob is busy"
    assert moved["changes"] == {"owner": ["bob", "alice"]}
    assert moved["at"] == shanghai(TODAY) and moved["seq"] > timeline[0]["seq"]
    assert timeline[2]["changes"]["percent"] == [None, 50] and timeline[2]["note"] == "half"
    assert timeline[2]["data"] == {"note": "half", "percent": 50, "on": None, "mentions": []}


def test_part_of_a_history_is_what_the_whole_holds_of_it(
        app, read_models, queries, clock, stamped) -> None:
    ids = _setup(app, clock)
    app.execute(ids["fine"], "reassign", BOSS, owner="alice", reason="bob is busy")
    app.execute(ids["fine"], "report", Actor("alice", "member"), note="half", percent=50)
    app.execute(ids["fine"], "comment", BOSS, text="keep going")
    read_models.catch_up()
    whole = queries.history(ids["fine"])
    assert queries.history(ids["fine"], after=2) == whole[2:]
    assert queries.history(ids["fine"], after=len(whole)) == []
    assert queries.history(ids["fine"], types={"Reassigned", "Commented"}) == [whole[1],
                                                                               whole[3]]
    assert queries.history(ids["fine"], besides={"Commented"}, last=True) == [whole[2]]
    assert queries.history(ids["fine"], last=True) == [whole[3]]
    assert queries.history(ids["fine"], after=3, also={"Reassigned"}) == [whole[1], whole[3]]
    assert queries.history(ids["late"], types={"Commented"}) == []


def test_a_plan_without_its_progress_and_an_items_title_are_read_alone(
        app, read_models, queries, clock, stamped) -> None:
    ids = _setup(app, clock)
    read_models.catch_up()
    assert queries.get_plan("p", with_progress=False) == queries.list_plans()[0]
    assert "progress" in queries.get_plan("p") and queries.get_plan("q", False) is None
    assert queries.item_title(ids["child"]) == "Item child"
    assert queries.item_title("not an id") is None


def test_one_card_read_alone_is_the_card_the_board_gives(
        app, read_models, queries, clock, stamped) -> None:
    load_demo(app)
    drive(app, random.Random(11), 160, clock)
    read_models.catch_up()
    ids = app.list_item_ids()
    shown = queries.cards([str(i) for i in ids])
    cards = [queries.get_card(i) for i in ids]
    assert cards == [shown[str(i)] for i in ids]
    assert any(c["children_total"] for c in cards) and any(c["backfilled"] for c in cards)
    assert queries.get_card("not an id") is None


def test_audit_pages_by_seq_and_filters(app, read_models, queries, clock, stamped) -> None:
    ids = _setup(app, clock)
    read_models.catch_up()
    rows = list(queries.iter_audit())
    assert [r["seq"] for r in rows] == sorted(r["seq"] for r in rows)
    assert len(rows) == queries.head()
    page = queries.audit(limit=3)
    assert [r["seq"] for r in queries.audit(after_seq=page[-1]["seq"], limit=2)] == [
        r["seq"] for r in rows[3:5]]
    items = queries.audit(plan="p", event_type="Created")
    assert {r["aggregate_type"] for r in items} == {"Plan", "WorkItem"}
    mine = queries.audit(item=ids["late"])
    assert [r["version"] for r in mine] == [1] and mine[0]["plan_key"] == "p"
    assert all(r["actor"] == "boss" for r in queries.audit(actor="boss"))
    assert queries.audit(since=shanghai(TODAY)) == []
    assert len(queries.audit(until=shanghai(TODAY), limit=1000)) == len(rows)


def test_plans_progress_units_and_people(app, read_models, queries, clock, stamped) -> None:
    ids = _setup(app, clock)
    app.execute(ids["fine"], "submit", Actor("bob", "member"), outcome="ok")
    app.execute(ids["fine"], "accept", BOSS, reason="the sub-item follows on its own")
    app.execute(ids["soon"], "cancel", BOSS, reason="no")
    read_models.catch_up()
    [plan] = queries.list_plans()
    assert plan["phases"] == [{"key": "P1", "title": "Phase", "starts": date(2012, 1, 1),
                               "ends": date(2012, 12, 31)}]
    progress = queries.get_plan("p")["progress"]
    assert progress["plan"]["total"] == 4 and progress["plan"]["percent_done"] == 25
    assert progress["plan"]["overdue"] == 2
    assert progress["goals"][0]["by_status"]["done"] == 1
    assert progress["phases"][0]["by_status"]["cancelled"] == 1
    assert queries.get_plan("nope") is None
    units = {u["key"]: u for u in queries.units()}
    assert units["u1"]["items_led"] == 4 and units["u1"]["liaisons"] == ["alice"]
    assert units["u1"]["lights"] == {"red": 2, "yellow": 1, "green": 0}
    assert units["u2"]["items_supported"] == 0
    assert [p["key"] for p in queries.people()] == ["alice", "bob", "boss"]


def test_an_undo_restores_the_card_and_the_ledger(
        app, read_models, queries, clock, stamped) -> None:
    ids = _setup(app, clock)
    moved = app.execute(ids["fine"], "reassign", BOSS, owner="alice", reason="oops")
    app.execute(ids["fine"], "undo", BOSS, version=moved.version, reason="wrong person")
    cancelled = app.execute(ids["soon"], "cancel", BOSS, reason="no")
    app.execute(ids["soon"], "undo", BOSS, version=cancelled.version)
    read_models.catch_up()
    assert queries.get_card(ids["fine"])["owner"] == "bob"
    assert queries.get_card(ids["soon"])["status"] == "todo"
    undo = queries.history(ids["fine"])[-1]
    assert undo["event_type"] == "Undone" and undo["changes"] == {"owner": ["alice", "bob"]}
    owned = {r["person"]: r["owned"] for r in queries.ledger()}
    assert owned == {"alice": 2, "bob": 3, "boss": 0}
