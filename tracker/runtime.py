"""Build the application object for a process from its settings."""

from __future__ import annotations

from datetime import timedelta

from tracker.application import TrackerApplication
from tracker.config import Settings
from tracker.storage import Store, needs_event_tables, parse_database_url


AGGREGATE_CACHE = 5000  # aggregates kept per process


def build_application(settings: Settings, create_table: bool | None = None) -> TrackerApplication:
    """One TrackerApplication on the store the settings name (tables created when missing)."""
    if create_table is None:
        create_table = needs_event_tables(parse_database_url(settings.database_url))
    store = parse_database_url(settings.database_url, create_table=create_table)
    # The library's aggregate cache: a command's item is fast-forwarded from its cached state
    # (a copy is handed out; events saved by other processes are read on the way) instead of
    # replayed — about 0.3 ms instead of 1.2 ms per aggregate on a 175k-event store.
    env = {**store.es_env, "AGGREGATE_CACHE_MAXSIZE": str(AGGREGATE_CACHE),
           "AGGREGATE_CACHE_FASTFORWARD": "y"}
    return TrackerApplication(env=env, timezone=settings.timezone,
                              undo_window=timedelta(minutes=settings.undo_window_minutes))


def store_of(settings: Settings) -> Store:
    """The parsed store of the settings' database URL."""
    return parse_database_url(settings.database_url)
