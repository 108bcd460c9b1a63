"""The engine: tracking, status, waiting for a position, the run loop and its supervision."""

from __future__ import annotations

import logging
import threading
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from projections_fixtures import *  # noqa: F403
from projections_fixtures import load_demo

from projections import ReadModels, runner
from projections.base import ProjectionError, check_version
from projections.events import Envelope
from tracker.application import TrackerApplication
from tracker.permissions import SYSTEM
from tracker.storage import parse_database_url


def _envelope(version: int, event_type: str = "Started") -> Envelope:
    from datetime import datetime

    return Envelope(seq=9, at=datetime(2012, 1, 1), day=date(2012, 1, 1), actor="a",
                    aggregate_id="x", aggregate_type="WorkItem", event_type=event_type,
                    version=version, fields={})


def test_an_old_version_is_skipped_but_a_missing_one_is_an_error() -> None:
    assert check_version(3, _envelope(4)) is True
    assert check_version(3, _envelope(3)) is False
    assert check_version(None, _envelope(1, "Created")) is True
    with pytest.raises(ProjectionError):
        check_version(3, _envelope(5))
    with pytest.raises(ProjectionError):
        check_version(None, _envelope(2))


def test_create_tables_is_idempotent_and_safe_from_several_engines(app, store) -> None:
    engines = [ReadModels(app, store) for _ in range(4)]
    errors: list[BaseException] = []

    def create(rm: ReadModels) -> None:
        try:
            rm.create_tables()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=create, args=(rm,)) for rm in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engines[0].create_tables()
    assert errors == []
    assert engines[0].positions() == dict.fromkeys(engines[0].names, 0)
    for rm in engines:
        rm.close()


def test_status_reports_positions_head_and_lag(app, read_models) -> None:
    load_demo(app)
    head = read_models.head()
    assert head > 0 and read_models.catch_up(["audit"]) == head
    status = {s["name"]: s for s in read_models.status()}
    assert status["audit"] == {"name": "audit", "position": head, "head": head, "lag": 0}
    assert status["board"]["lag"] == head and status["board"]["position"] == 0
    with pytest.raises(ValueError, match="nope"):
        read_models.catch_up(["nope"])


def test_wait_until_is_bounded_and_true_once_caught_up(app, read_models) -> None:
    result = app.add_person(SYSTEM, "alice", "Alice")
    assert read_models.wait_until(None)
    assert not read_models.wait_until(result.notification_id, timeout=0.05)
    read_models.catch_up()
    assert read_models.wait_until(result.notification_id, timeout=0.05)


def test_catch_up_skips_gaps_in_notification_ids(app, read_models) -> None:
    """Ids with holes (rolled-back inserts) are fine: positions follow the ids seen."""
    load_demo(app)
    batch = app.recorder.select_notifications(1, 5)
    from projections.events import decode
    from projections.registry import BY_NAME

    envelopes = [decode(app, n, app.timezone) for n in batch]
    holey = [envelopes[0], envelopes[1], envelopes[3]]  # id 3 "missing" for now
    assert read_models.apply(BY_NAME["audit"], holey) == 3
    assert read_models.position("audit") == envelopes[3].seq
    assert read_models.apply(BY_NAME["audit"], envelopes) == len(envelopes) - 4


def test_run_forever_feeds_the_projections_of_two_web_processes(
        app: TrackerApplication, store, read_models, database_url) -> None:
    """Two "web" applications on one store; a separate runner; each sees its own writes."""
    webs = []
    for _ in range(2):
        web_store = parse_database_url(database_url, create_table=False)
        web_app = TrackerApplication(env=web_store.es_env, timezone=ZoneInfo("Asia/Shanghai"))
        webs.append((web_app, ReadModels(web_app, web_store)))
    stop = threading.Event()
    worker = threading.Thread(target=read_models.run_forever, args=(stop,))
    worker.start()
    try:
        for n, (web_app, web_rm) in enumerate(webs * 3):
            result = web_app.add_person(SYSTEM, f"p{n}", f"Person {n}")
            assert web_rm.wait_until(result.notification_id, timeout=10)
            from projections import Queries

            keys = [p["key"] for p in Queries(web_rm, web_app.today).people()]
            assert f"p{n}" in keys
    finally:
        stop.set()
        worker.join(timeout=20)
        for web_app, web_rm in webs:
            web_rm.close()
            web_app.close()
    assert not worker.is_alive()


def test_run_forever_logs_errors_and_carries_on(
        app, read_models, monkeypatch, caplog) -> None:
    monkeypatch.setattr(runner, "RETRY_SECONDS", 0.01)
    monkeypatch.setattr(runner, "POLL_SECONDS", 0.01)
    real = read_models.catch_up
    failures = iter([True, True])

    def flaky(names=None):
        if next(failures, False):
            raise RuntimeError("database went away")
        return real(names)

    monkeypatch.setattr(read_models, "catch_up", flaky)
    result = app.add_person(SYSTEM, "alice", "Alice")
    stop = threading.Event()
    with caplog.at_level(logging.ERROR, logger="projections.runner"):
        worker = threading.Thread(target=read_models.run_forever, args=(stop,))
        worker.start()
        try:
            assert read_models.wait_until(result.notification_id, timeout=10)
        finally:
            stop.set()
            worker.join(timeout=20)
    assert "database went away" in caplog.text
    assert not worker.is_alive()


def test_a_row_written_behind_the_engines_back_is_an_error_not_a_duplicate(
        app, read_models) -> None:
    """IntegrityError with the position not covering the batch: raised, nothing written."""
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    from projections import tables as t
    from projections.events import decode
    from projections.registry import BY_NAME

    load_demo(app)
    envelopes = [decode(app, n, app.timezone) for n in app.recorder.select_notifications(1, 9)]
    with read_models.engine.begin() as conn:
        conn.execute(t.audit.insert().values(
            seq=envelopes[4].seq, at=envelopes[4].at, actor="intruder", aggregate_id="x",
            aggregate_type="X", event_type="Forged", version=1, data={},
            chain_hash="0" * 64, chain_count=1))
    with pytest.raises(IntegrityError):
        read_models.apply(BY_NAME["audit"], envelopes)
    assert read_models.position("audit") == 0
    with read_models.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.audit)).scalar() == 1
