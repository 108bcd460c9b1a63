"""Rebuilding from zero gives row-for-row the tables that live catch-up built."""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from projections_fixtures import *  # noqa: F403
from projections_fixtures import drive, fresh_store, load_demo, snapshot_tables

from projections import ReadModels
from projections.events import decode
from projections.registry import BY_NAME
from tracker.application import TrackerApplication


def test_rebuild_after_demo_and_random_commands_equals_live_tables(
        app: TrackerApplication, read_models: ReadModels, clock, stamped) -> None:
    clock.now = datetime(2012, 3, 20, 1, 0, tzinfo=UTC)
    load_demo(app)
    read_models.batch_size = 37  # odd batches, so live catch-up splits the log differently
    accepted, refused = drive(app, random.Random(20120320), 700, clock,
                              between=read_models.catch_up)
    # (per-plan roles refuse more of the random actors' commands than before)
    assert accepted > 150 and refused > 100
    read_models.catch_up()
    live = snapshot_tables(read_models)
    assert len(live["rm_events"]) == read_models.head()
    assert len(live["rm_board"]) == len(app.list_item_ids())
    read_models.batch_size = 500
    read_models.rebuild()
    assert snapshot_tables(read_models) == live


def test_rebuild_of_one_projection_leaves_the_others_alone(
        app: TrackerApplication, read_models: ReadModels, clock, stamped) -> None:
    load_demo(app)
    drive(app, random.Random(7), 60, clock)
    read_models.catch_up()
    live = snapshot_tables(read_models)
    read_models.rebuild(["ledger"])
    assert snapshot_tables(read_models) == live
    assert {s["name"]: s["lag"] for s in read_models.status()} == dict.fromkeys(
        read_models.names, 0)


def test_a_batch_delivered_twice_is_applied_once(
        app: TrackerApplication, read_models: ReadModels, clock, stamped) -> None:
    load_demo(app)
    drive(app, random.Random(3), 40, clock)
    batch = app.recorder.select_notifications(1, 1000)
    envelopes = [decode(app, n, app.timezone) for n in batch]
    for name in read_models.names:
        assert read_models.apply(BY_NAME[name], envelopes) == len(envelopes)
    once = snapshot_tables(read_models)
    for name in read_models.names:
        assert read_models.apply(BY_NAME[name], envelopes) == 0
        assert read_models.apply(BY_NAME[name], envelopes[5:9]) == 0
    assert snapshot_tables(read_models) == once
    read_models.rebuild()
    assert snapshot_tables(read_models) == once


def test_two_engines_catching_up_at_once_apply_each_event_once(
        app: TrackerApplication, store, read_models: ReadModels, clock, stamped) -> None:
    import threading

    load_demo(app)
    drive(app, random.Random(11), 150, clock)
    other = ReadModels(app, store)
    other.batch_size = read_models.batch_size = 20
    errors: list[BaseException] = []

    def run(rm: ReadModels) -> None:
        try:
            rm.catch_up()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(rm,)) for rm in (read_models, other) * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.close()
    assert errors == []
    live = snapshot_tables(read_models)
    assert len(live["rm_events"]) == read_models.head()
    read_models.rebuild()
    assert snapshot_tables(read_models) == live


class _Clock:
    def __init__(self) -> None:
        self.now = datetime(2012, 3, 20, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(
    not os.environ.get("TRACKER_TEST_POSTGRES_URL"),
    reason="TRACKER_TEST_POSTGRES_URL is not set (PostgreSQL not configured)"))]


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), steps=st.integers(1, 120),
       batch=st.sampled_from([1, 7, 50, 500]), catch_up_every=st.integers(1, 40))
def test_any_command_sequence_rebuilds_to_the_live_tables(
        backend: str, seed: int, steps: int, batch: int, catch_up_every: int) -> None:
    import eventsourcing.domain

    clock = _Clock()
    real_now = eventsourcing.domain.datetime_now_with_tzinfo
    eventsourcing.domain.datetime_now_with_tzinfo = clock
    try:
        with fresh_store(backend) as store:
            app = TrackerApplication(env=store.es_env, timezone=ZoneInfo("Asia/Shanghai"),
                                     clock=clock)
            rm = ReadModels(app, store)
            try:
                rm.create_tables()
                rm.batch_size = batch
                load_demo(app)
                counter = iter(range(10**6))
                drive(app, random.Random(seed), steps, clock,
                      between=lambda: next(counter) % catch_up_every or rm.catch_up())
                rm.catch_up()
                live = snapshot_tables(rm)
                rm.rebuild()
                assert snapshot_tables(rm) == live
            finally:
                rm.close()
                app.close()
    finally:
        eventsourcing.domain.datetime_now_with_tzinfo = real_now
