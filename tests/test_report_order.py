"""Reports list people and units in the order the plan listed them (the order they were
created in), leaders first; the order comes from the read models, in one query."""

from __future__ import annotations

import sqlalchemy as sa

from projections import ReadModels
from projections.reports.order import LAST, by_rank, by_unit_order, people_rank
from tracker.application import TrackerApplication
from tracker.permissions import SYSTEM
from tracker.storage import Store


def test_people_and_units_keep_the_plans_order_leaders_first(
        app: TrackerApplication, store: Store) -> None:
    # Created at the same instant (the test clock stands still): only the log's order tells.
    for key, name, role in (("zhou", "周", "member"), ("an", "安", "member"),
                            ("ma", "马", "deputy"), ("bai", "白", "group_leader")):
        app.add_person(SYSTEM, key, name, role)
    for key, name in (("u9", "九支部"), ("u1", "一支部"), ("u5", "五支部")):
        app.add_unit(SYSTEM, key, name, liaisons=[])
    rm = ReadModels(app, store)
    rm.create_tables()
    rm.catch_up()
    try:
        rows = [{"person": k} for k in ("an", "ghost", "zhou", "ma", "bai")]
        assert [r["person"] for r in by_rank(rm, rows)] == ["bai", "ma", "zhou", "an", "ghost"]
        units = [{"key": k} for k in ("u5", "u1", "gone", "u9")]
        assert [u["key"] for u in by_unit_order(rm, units)] == ["u9", "u1", "u5", "gone"]
        assert people_rank(rm)["zhou"] < people_rank(rm)["an"] < (3, LAST, "")
    finally:
        rm.close()


def test_an_older_store_gets_the_creation_order_when_opened(
        app: TrackerApplication, store: Store) -> None:
    """A store whose people rows lack the column is replayed on opening, and ordered."""
    for key in ("b", "a"):
        app.add_person(SYSTEM, key, key.upper(), "member")
    rm = ReadModels(app, store)
    rm.create_tables()
    rm.catch_up()
    with rm.engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE rm_people DROP COLUMN created_seq"))
    rm.close()
    rm = ReadModels(app, store)
    try:
        rm.create_tables()
        rm.catch_up()
        assert [r["person"] for r in by_rank(rm, [{"person": "a"}, {"person": "b"}])] == ["b", "a"]
    finally:
        rm.close()
