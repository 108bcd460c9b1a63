"""A store whose read models were made by an older version opens: a projection whose tables
lack a column (or a table) of this version is replayed from zero."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from projections_fixtures import *  # noqa: F403
from projections_fixtures import load_demo, snapshot_tables

from projections import ReadModels
from tracker.application import TrackerApplication


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
