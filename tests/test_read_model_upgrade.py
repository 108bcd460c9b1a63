"""A store whose read models were made by an older version opens: a projection whose tables
lack a column (or a table) of this version is replayed from zero."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from projections_fixtures import *  # noqa: F403
from projections_fixtures import load_demo, snapshot_tables

from projections import Queries, ReadModels
from tracker.application import TrackerApplication
from tracker.auditexport import audit_members, check_stored_chain, stream_members_jsonl


def test_board_tables_without_this_versions_columns_are_rebuilt_on_start(
        app: TrackerApplication, read_models: ReadModels, clock, stamped) -> None:
    clock.now = datetime(2012, 3, 20, 1, 0, tzinfo=UTC)
    load_demo(app)
    read_models.catch_up()
    live = snapshot_tables(read_models)
    with read_models.engine.begin() as conn:  # as an older version left them
        conn.execute(sa.text("DROP TABLE rm_board_people"))
        conn.execute(sa.text("ALTER TABLE rm_board DROP COLUMN facts"))
    read_models.create_tables()
    assert read_models.positions()["board"] == 0
    read_models.catch_up()
    assert snapshot_tables(read_models) == live


def test_an_audit_trail_kept_apart_from_the_timelines_is_replayed_and_exports_the_same_lines(
        app: TrackerApplication, read_models: ReadModels, queries: Queries) -> None:
    load_demo(app)
    read_models.catch_up()
    before = "".join(stream_members_jsonl(audit_members(queries)))
    with read_models.engine.begin() as conn:  # as an older version left it (rm_audit)
        conn.execute(sa.text("ALTER TABLE rm_events RENAME TO rm_audit"))
    read_models.create_tables()
    assert read_models.positions()["audit"] == 0
    assert "rm_audit" not in sa.inspect(read_models.engine).get_table_names()
    read_models.catch_up()
    assert "".join(stream_members_jsonl(audit_members(queries))) == before
    assert check_stored_chain(queries).ok


def test_an_index_an_older_version_made_and_this_one_retired_is_dropped_on_start(
        app: TrackerApplication, read_models: ReadModels) -> None:
    from projections import tables as t

    retired = t.RETIRED_INDEXES[0]
    with read_models.engine.begin() as conn:  # as an older version left it
        conn.execute(sa.text(f"CREATE INDEX {retired} ON rm_board_versions (plan_key, parent)"))
    assert retired in _indexes(read_models, "rm_board_versions")
    read_models.create_tables()
    present = _indexes(read_models, "rm_board_versions")
    assert retired not in present
    assert {"ix_rm_board_versions_parent_seq", "ix_rm_board_versions_parent_eff"} <= present


def _indexes(read_models: ReadModels, table: str) -> set[str]:
    with read_models.engine.connect() as conn:
        return {i["name"] for i in sa.inspect(conn).get_indexes(table)}


def test_a_cards_sub_items_are_read_through_their_parents_index(
        app: TrackerApplication, read_models: ReadModels) -> None:
    """The sub-items query must not walk the plan: its index leads with plan, parent, due."""
    with read_models.engine.begin() as conn:  # as an older version left it
        conn.execute(sa.text("CREATE INDEX ix_rm_board_plan_parent ON rm_board (plan_key, parent)"))
    read_models.create_tables()
    assert "ix_rm_board_plan_parent" not in _indexes(read_models, "rm_board")
    assert "ix_rm_board_plan_parent_due" in _indexes(read_models, "rm_board")
    if read_models.store.kind == "sqlite":
        with read_models.engine.connect() as conn:
            plan = " ".join(str(r[-1]) for r in conn.execute(sa.text(
                "EXPLAIN QUERY PLAN SELECT id FROM rm_board WHERE plan_key = 'p' AND parent = 'x'"
                " ORDER BY due, title, id")))
        assert "ix_rm_board_plan_parent_due" in plan, plan


def test_a_plans_ledger_rows_are_read_through_a_plan_index(
        app: TrackerApplication, read_models: ReadModels) -> None:
    """The leader report reads one plan's ledger rows, not every plan's (no scan in key
    order that grows with the store's history)."""
    read_models.create_tables()
    if read_models.store.kind != "sqlite":
        assert "ix_rm_ledger_events_plan" in _indexes(read_models, "rm_ledger_events")
        return
    with read_models.engine.connect() as conn:
        for table, order in (("rm_ledger_events", "seq, kind"), ("rm_ledger_items", "id"),
                             ("rm_ledger_cadence", "item_id, segment")):
            plan = " ".join(str(r[-1]) for r in conn.execute(sa.text(
                f"EXPLAIN QUERY PLAN SELECT * FROM {table} WHERE plan_key = 'p' ORDER BY {order}")))
            assert f"ix_{table}_plan" in plan, plan
