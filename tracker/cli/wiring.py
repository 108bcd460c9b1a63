"""Builds the read side for CLI commands (projections are caught up before reading)."""

from __future__ import annotations

from typing import Any

from tracker.cli import Context
from tracker.storage import parse_database_url


def read_models(ctx: Context) -> Any:
    """The projections over the context's store, created if missing."""
    from projections.engine import ReadModels

    cached = getattr(ctx, "_read_models", None)
    if cached is None:
        cached = ReadModels(ctx.app, parse_database_url(ctx.settings.database_url),
                            yellow_days=ctx.settings.yellow_days)
        cached.create_tables()
        ctx._read_models = cached  # type: ignore[attr-defined]
    return cached


def queries(ctx: Context) -> Any:
    """Query object over caught-up read models."""
    from projections.queries import Queries

    rm = read_models(ctx)
    rm.catch_up()
    return Queries(rm, ctx.app.today, ctx.settings.yellow_days)


def after_demo(ctx: Context) -> None:
    """Catch the projections up after loading the demo, and create demo accounts if wired."""
    read_models(ctx).catch_up()
    try:
        from tracker.accounts import ensure_demo_accounts
    except ImportError:
        return
    ensure_demo_accounts(ctx)
