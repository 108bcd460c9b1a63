"""The leader ledger against a hand-built scenario with a written table of expected figures."""

from __future__ import annotations

from datetime import date

from projections_fixtures import *  # noqa: F403
from projections_fixtures import shanghai

from projections import Queries, ReadModels
from tracker.application import TrackerApplication
from tracker.permissions import SYSTEM, Actor

BOSS = Actor(person="boss", role="leader", login="boss")
ALICE, BOB, CAROL = (Actor(person=p, role="member", login=p) for p in ("alice", "bob", "carol"))

# As of 2012-06-01 (Asia/Shanghai). "late" is against the due date in force when accepted,
# "late_orig" against the original due date; "missed" counts report deadlines that passed.
EXPECTED = """
person owned open done on_time late on_time_orig late_orig overdue overdue_days to away ext_req ext_granted ext_refused returned chased missed
alice  4     1    3    2       1    1            2         1       12           1  0    3       2           1           1        1      0
bob    2     1    1    0       1    0            1         0       0            1  1    0       0           0           0        1      5
boss   0     0    0    0       0    0            0         0       0            0  0    0       0           0           0        0      0
carol  1     1    0    0       0    0            0         0       0            0  1    1       0           0           0        0      1
"""  # noqa: E501
COLUMNS = {"on_time": "done_on_time", "late": "done_late", "on_time_orig": "done_on_time_original",
           "late_orig": "done_late_original", "to": "reassigned_to", "away": "reassigned_away",
           "ext_req": "extensions_requested", "ext_granted": "extensions_granted",
           "ext_refused": "extensions_refused", "missed": "reports_missed"}


def expected_rows() -> list[dict[str, object]]:
    """The written table as dicts keyed like the ledger."""
    header, *lines = [line.split() for line in EXPECTED.strip().splitlines()]
    keys = [COLUMNS.get(h, h) for h in header]
    return [{k: (v if k == "person" else int(v)) for k, v in zip(keys, line, strict=True)}
            for line in lines]


def run_scenario(app: TrackerApplication, rm: ReadModels, q: Queries, clock) -> dict:
    """Play the scenario day by day; return the ledger captured live on 2012-04-16."""
    def day(m: int, d: int) -> None:
        clock.now = shanghai(date(2012, m, d))

    def item(key: str, owner: str, due: date, every: int | None = None) -> str:
        return str(app.create_item(BOSS, "p", key=key, title=key, owner=owner, lead_unit="u1",
                                   due=due, report_every_days=every).id)

    def run(item_id: str, command: str, actor: Actor, **values: object) -> None:
        app.execute(item_id, command, actor, **values)

    day(1, 1)
    for key, role in (("alice", "member"), ("bob", "member"), ("carol", "member"),
                      ("boss", "group_leader")):
        app.add_person(SYSTEM, key, key.title(), role)
    app.add_unit(SYSTEM, "u1", "Unit one", ["boss"])
    app.create_plan(SYSTEM, key="p", title="Plan", starts=date(2012, 1, 1),
                    ends=date(2012, 12, 31), leadership={"boss": "group_leader"})
    day(3, 1)
    a1, a2, a3 = (item(k, "alice", date(2012, 3, 10)) for k in ("A1", "A2", "A3"))
    day(3, 5)
    run(a2, "request-extension", ALICE, new_due=date(2012, 3, 20), reason="more data")
    run(a3, "request-extension", ALICE, new_due=date(2012, 3, 31), reason="more data")
    day(3, 6)
    run(a2, "decide-extension", BOSS, grant=True)
    run(a3, "decide-extension", BOSS, grant=False, note="too long")
    day(3, 7)
    run(a3, "request-extension", ALICE, new_due=date(2012, 3, 25), reason="shorter")
    run(a3, "decide-extension", BOSS, grant=True)
    day(3, 8)
    run(a1, "submit", ALICE, outcome="minutes")
    day(3, 9)
    run(a1, "accept", BOSS)
    day(3, 15)
    run(a2, "submit", ALICE, outcome="report")
    day(3, 16)
    run(a2, "accept", BOSS)
    day(3, 28)
    run(a3, "submit", ALICE, outcome="draft")
    day(3, 29)
    run(a3, "return", BOSS, reason="incomplete")
    day(3, 30)
    run(a3, "submit", ALICE, outcome="final", on=date(2012, 3, 30))
    day(4, 1)
    run(a3, "accept", BOSS)
    b1 = item("B1", "bob", date(2012, 5, 20))
    c1 = item("C1", "carol", date(2012, 4, 30), every=10)
    day(4, 5)
    run(b1, "chase", BOSS, note="where is it?")
    run(c1, "report", CAROL, note="started", percent=20)
    day(4, 10)
    run(b1, "reassign", BOSS, owner="alice", reason="bob is away")
    day(4, 15)
    run(b1, "chase", BOSS, note="still waiting")
    day(4, 16)
    rm.catch_up()
    captured = {"at": clock.now, "ledger": q.ledger()}
    day(4, 20)
    run(c1, "reassign", BOSS, owner="bob", reason="carol moved")
    day(5, 1)
    b2 = item("B2", "bob", date(2012, 6, 30), every=7)
    c2 = item("C2", "carol", date(2012, 5, 15))
    run(c2, "cancel", BOSS, reason="not needed")
    day(5, 6)
    run(b2, "report", BOB, note="first week")
    day(5, 10)
    run(c1, "submit", BOB, outcome="done")
    day(5, 11)
    run(c1, "accept", BOSS)
    day(5, 15)
    c3 = item("C3", "carol", date(2012, 6, 3))
    day(5, 20)
    run(c3, "request-extension", CAROL, new_due=date(2012, 6, 20), reason="waiting on data")
    day(6, 1)
    rm.catch_up()
    return captured


def test_ledger_matches_the_written_table(app, read_models, queries, clock, stamped) -> None:
    run_scenario(app, read_models, queries, clock)
    ledger = queries.ledger()
    figures = [{k: row[k] for k in expected_rows()[0]} for row in ledger]
    assert figures == expected_rows()


def test_ledger_drill_down_names_the_items_behind_each_figure(
        app, read_models, queries, clock, stamped) -> None:
    run_scenario(app, read_models, queries, clock)
    by_person = {row["person"]: row for row in queries.ledger()}
    alice, bob = by_person["alice"]["items"], by_person["bob"]["items"]
    assert [i["key"] for i in alice["done_late"]] == ["A3"]
    assert sorted(i["key"] for i in alice["done_late_original"]) == ["A2", "A3"]
    assert [(i["key"], i["days"]) for i in alice["overdue"]] == [("B1", 12)]
    assert sorted((i["key"], i["count"]) for i in bob["reports_missed"]) == [("B2", 3), ("C1", 2)]
    assert [(i["key"], i["on"]) for i in bob["chased"]] == [("B1", date(2012, 4, 5))]
    assert queries.ledger(person="carol")[0]["reports_missed"] == 1
    assert [r["person"] for r in queries.ledger(plan_key="p", person="bob")] == ["bob"]


def test_ledger_as_of_a_past_instant_equals_the_ledger_shown_then(
        app, read_models, queries, clock, stamped) -> None:
    captured = run_scenario(app, read_models, queries, clock)
    then = {row["person"]: row for row in captured["ledger"]}
    assert then["carol"]["reports_missed"] == 1 and then["alice"]["chased"] == 1
    assert then["alice"]["reassigned_to"] == 1 and then["bob"]["owned"] == 0
    assert queries.ledger(as_of=captured["at"]) == captured["ledger"]


def test_board_lights_at_the_end_of_the_scenario(
        app, read_models, queries, clock, stamped) -> None:
    run_scenario(app, read_models, queries, clock)
    lights = {c["key"]: c["light"] for c in queries.board("p")}
    assert lights == {"A1": None, "A2": None, "A3": None, "B1": "red", "B2": "yellow",
                      "C1": None, "C3": "yellow"}
    card = queries.get_card(next(c["id"] for c in queries.board("p") if c["key"] == "C3"))
    assert card is not None and card["extension_pending"] and card["pending_due"] == date(
        2012, 6, 20)
