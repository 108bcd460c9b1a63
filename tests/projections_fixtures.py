"""Fixtures and helpers for the projection tests (the shared conftest gives store, app, clock)."""

from __future__ import annotations

import os
import random
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import eventsourcing.domain
import pytest
import sqlalchemy as sa

from projections import Queries, ReadModels
from projections import tables as t
from tracker.application import TrackerApplication
from tracker.errors import TrackerError
from tracker.importer import import_plan
from tracker.permissions import SYSTEM, Actor
from tracker.planfile import parse_plan_file
from tracker.storage import Store, parse_database_url

DEMO = Path(__file__).resolve().parents[1] / "tracker" / "data" / "demo_plan.yaml"
# Star-imported by the test modules: only the fixtures (helpers are imported by name).
__all__ = ["queries", "read_models", "stamped"]
LEADER = Actor(person="secretary", role="leader", login="secretary")
BOSS = Actor(person="boss", role="leader", login="boss")


@pytest.fixture
def read_models(app: TrackerApplication, store: Store) -> Iterator[ReadModels]:
    """Read models on the test's store, tables created."""
    rm = ReadModels(app, store, yellow_days=3)
    rm.create_tables()
    yield rm
    rm.close()


@pytest.fixture
def queries(read_models: ReadModels, app: TrackerApplication) -> Queries:
    """Queries judged by the application's (test) clock."""
    return Queries(read_models, app.today, yellow_days=3)


@pytest.fixture
def stamped(monkeypatch: pytest.MonkeyPatch, clock: Callable[[], datetime]) -> None:
    """Event timestamps follow the test clock, so event dates are under the test's control."""
    monkeypatch.setattr(eventsourcing.domain, "datetime_now_with_tzinfo", clock)


@contextmanager
def fresh_store(kind: str) -> Iterator[Store]:
    """A store of its own (for property tests, which cannot use function-scoped fixtures)."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield parse_database_url(f"sqlite:///{folder}/tracker.db")
        return
    import psycopg

    url = os.environ["TRACKER_TEST_POSTGRES_URL"]
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield parse_database_url(f"{url}?schema={schema}")
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def shanghai(day: date, hour: int = 10) -> datetime:
    """An instant on a day at an hour of Asia/Shanghai (UTC+8), as UTC."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=8)


def snapshot_tables(rm: ReadModels) -> dict[str, list[tuple[Any, ...]]]:
    """Every read-model row, table by table, in primary-key order."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with rm.engine.connect() as conn:
        for table in t.metadata.sorted_tables:
            query = sa.select(table).order_by(*table.primary_key.columns)
            out[table.name] = [tuple(r) for r in conn.execute(query)]
    return out


def load_demo(app: TrackerApplication) -> None:
    """The demo plan, imported as an administrator."""
    import_plan(app, parse_plan_file(DEMO.read_text("utf-8")), SYSTEM)


def random_values(rng: random.Random, command: str, people: list[str],
                  units: list[str]) -> dict[str, Any]:
    """Plausible (sometimes invalid) arguments for an item command."""
    day = date(2012, 3, 20) + timedelta(days=rng.randrange(0, 300))
    maybe_day = day if rng.random() < 0.5 else None
    text = rng.choice(["ok", "进展顺利", "needs work", "x" * 30])
    return {
        "start": {},
        "report": {"note": text, "percent": rng.choice([None, 10, 50, 90, 140]), "on": maybe_day},
        "comment": {"text": text},
        "chase": {"note": text},
        "request-extension": {"new_due": day, "reason": text},
        "decide-extension": {"grant": rng.random() < 0.5, "note": text},
        "reassign": {"owner": rng.choice(people), "reason": text},
        "units": {"lead_unit": rng.choice(units), "units": rng.sample(units, rng.randrange(3))},
        "reschedule": {"due": day, "reason": text},
        "submit": {"outcome": text, "evidence": ["minutes.pdf"], "on": maybe_day},
        "accept": {"note": text},
        "return": {"reason": text},
        "cancel": {"reason": text},
        "reopen": {"reason": rng.choice([text, ""])},
        "edit": {"title": f"{text} {rng.randrange(5)}"},
        "undo": {"reason": text},
    }[command]


COMMAND_NAMES = ("start", "report", "comment", "chase", "request-extension", "decide-extension",
                 "reassign", "units", "reschedule", "submit", "accept", "return", "cancel",
                 "reopen", "edit", "undo", "undo", "accept", "accept", "decide-extension",
                 "request-extension", "submit")


def drive(app: TrackerApplication, rng: random.Random, steps: int, clock: Any,
          between: Callable[[], None] | None = None) -> tuple[int, int]:
    """Run random item commands (many refused) on the demo plan; (accepted, refused)."""
    people = ["secretary", "dean", "deputy_secretary", "committee", "teachers_secretary"]
    units = ["teachers", "graduates", "students"]
    items = app.list_item_ids()
    accepted = refused = 0
    for step in range(steps):
        clock.now += timedelta(hours=rng.randrange(1, 30))
        if rng.random() < 0.04:
            result = app.create_item(
                SYSTEM, "ogy", title=f"随机 {step}", owner=rng.choice(people),
                lead_unit=rng.choice(units), due=date(2012, 5, 1) + timedelta(rng.randrange(200)),
                report_every_days=rng.choice([None, 3, 7, 14]), phase="P3", goal="G1",
                parent=rng.choice([None, "draft_plan"]))
            items.append(result.id)
            continue
        item = rng.choice(items)
        command = rng.choice(COMMAND_NAMES)
        current = app.get_item(item)
        owner = current.owner
        actor = rng.choice([Actor(person=owner, role="member", login=owner), LEADER, SYSTEM])
        values = random_values(rng, command, people, units)
        if command == "undo":
            values["version"] = current.version - rng.choice([0, 0, 1])
        try:
            if rng.random() < 0.03:
                app.record_reminder(SYSTEM, item, cause=f"cause {step % 4}", due=current.due)
            app.execute(item, command, actor, **values)
            accepted += 1
        except TrackerError:
            refused += 1
        if between is not None and rng.random() < 0.05:
            between()
    return accepted, refused
