"""Build the application object for a process from its settings."""

from __future__ import annotations

from tracker.application import TrackerApplication
from tracker.config import Settings
from tracker.storage import Store, parse_database_url


def build_application(settings: Settings, create_table: bool = True) -> TrackerApplication:
    """One TrackerApplication on the store the settings name."""
    store = parse_database_url(settings.database_url, create_table=create_table)
    return TrackerApplication(env=store.es_env, timezone=settings.timezone)


def store_of(settings: Settings) -> Store:
    """The parsed store of the settings' database URL."""
    return parse_database_url(settings.database_url)
