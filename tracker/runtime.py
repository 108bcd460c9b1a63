"""Build the application object for a process from its settings."""

from __future__ import annotations

from datetime import timedelta

from tracker.application import TrackerApplication
from tracker.config import Settings
from tracker.storage import Store, needs_event_tables, parse_database_url


def build_application(settings: Settings, create_table: bool | None = None) -> TrackerApplication:
    """One TrackerApplication on the store the settings name (tables created when missing)."""
    if create_table is None:
        create_table = needs_event_tables(parse_database_url(settings.database_url))
    store = parse_database_url(settings.database_url, create_table=create_table)
    return TrackerApplication(env=store.es_env, timezone=settings.timezone,
                              undo_window=timedelta(minutes=settings.undo_window_minutes))


def store_of(settings: Settings) -> Store:
    """The parsed store of the settings' database URL."""
    return parse_database_url(settings.database_url)
