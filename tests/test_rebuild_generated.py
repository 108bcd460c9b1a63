"""On a store made by the bench's generator, the rebuild's own path (one transaction, rows kept
in memory and written in chunks) gives every read-model table row for row as catching up batch
by batch does, back-dated progress reports (which move earlier versions) included."""

from __future__ import annotations

from datetime import timedelta

from projections_fixtures import *  # noqa: F403
from projections_fixtures import snapshot_tables

from bench.generator import YEAR_START, generate
from projections import ReadModels
from tracker.application import TrackerApplication
from tracker.domain import WorkItem
from tracker.domain.status import Status


def test_rebuild_of_a_generated_store_equals_batch_by_batch_catch_up(
        app: TrackerApplication, read_models: ReadModels) -> None:
    gen = generate(app, [40, 90], batch=200)
    doing = [i for ids in gen.doing.values() for i in ids][:12]
    assert doing
    for n, item_id in enumerate(doing):  # reported as of days before the versions they follow
        item: WorkItem = app.repository.get(item_id)
        assert item.status == Status.DOING
        item.report_progress(actor=item.owner, note=f"补报 {n}",
                             on=YEAR_START.date() + timedelta(days=n))
        app.save(item)
    read_models.batch_size = 97  # live catch-up in odd batches, each its own transaction
    read_models.catch_up()
    live = snapshot_tables(read_models)
    assert len(live["rm_events"]) == read_models.head() > gen.events
    assert len(live["rm_board"]) == 130
    # small chunks: superseded versions are written and let go mid-replay, then read back
    read_models.rebuild_batch_size, read_models.rebuild_chunk = 300, 400
    read_models.rebuild()
    assert snapshot_tables(read_models) == live
    read_models.rebuild_batch_size, read_models.rebuild_chunk = 5000, 200_000
    read_models.rebuild()
    assert snapshot_tables(read_models) == live
    assert {s["name"]: s["lag"] for s in read_models.status()} == dict.fromkeys(
        read_models.names, 0)
