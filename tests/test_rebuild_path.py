"""The rebuild's own path: indexes dropped for the replay are all there again afterwards, the
replay reports its progress, and the collector is left as it was found."""

from __future__ import annotations

import gc
from datetime import UTC, datetime

import sqlalchemy as sa
from projections_fixtures import *  # noqa: F403
from projections_fixtures import load_demo, snapshot_tables

from projections import ReadModels
from projections import tables as t
from tracker.application import TrackerApplication


def _indexes(rm: ReadModels) -> set[tuple[str, str]]:
    inspector = sa.inspect(rm.engine)
    schema = rm.store.schema
    return {(table.name, ix["name"]) for table in t.metadata.sorted_tables
            for ix in inspector.get_indexes(table.name, schema=schema)}


def test_a_rebuild_replays_with_progress_and_leaves_every_index_in_place(
        app: TrackerApplication, read_models: ReadModels, clock, stamped) -> None:
    clock.now = datetime(2012, 3, 20, 1, 0, tzinfo=UTC)
    load_demo(app)
    read_models.catch_up()
    before_rows, before_indexes = snapshot_tables(read_models), _indexes(read_models)
    defined = {(table.name, ix.name) for table in t.metadata.sorted_tables
               for ix in table.indexes}
    assert defined <= before_indexes
    seen: list[int] = []
    assert gc.isenabled()
    read_models.rebuild(progress=seen.append)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert sum(seen) == read_models.head() > 0
    assert _indexes(read_models) == before_indexes
    assert snapshot_tables(read_models) == before_rows
