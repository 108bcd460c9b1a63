"""Shared fixtures: a store parametrized over SQLite and PostgreSQL, and a tracker application."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pgschema import fresh_postgres_schema

from tracker.application import TrackerApplication
from tracker.storage import Store, parse_database_url

PG_URL = os.environ.get("TRACKER_TEST_POSTGRES_URL")
if os.environ.get("TRACKER_REQUIRE_POSTGRES") and not PG_URL:
    raise RuntimeError("TRACKER_REQUIRE_POSTGRES is set but TRACKER_TEST_POSTGRES_URL is not")
STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(
    not PG_URL, reason="TRACKER_TEST_POSTGRES_URL is not set (PostgreSQL not configured)"))]


class Clock:
    """A settable clock for tests; starts at a fixed instant."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(params=STORES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: an SQLite file, or a new PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
        return
    assert PG_URL
    with fresh_postgres_schema(PG_URL) as url:
        yield url


@pytest.fixture
def store(database_url: str) -> Store:
    """The parsed store for the test's database."""
    return parse_database_url(database_url)


@pytest.fixture
def clock() -> Clock:
    """Today is 2012-06-01, 10:00 in Asia/Shanghai, unless a test moves it."""
    return Clock(datetime(2012, 6, 1, 2, 0, tzinfo=UTC))


@pytest.fixture
def app(store: Store, clock: Clock) -> Iterator[TrackerApplication]:
    """A tracker application on the test's store."""
    application = TrackerApplication(env=store.es_env, timezone=ZoneInfo("Asia/Shanghai"),
                                     clock=clock)
    yield application
    application.close()
