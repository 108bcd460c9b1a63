"""The past as a query: versioned rows answer "as recorded" exactly as a replay of the log up to
that instant does, and "as in effect" as a fold of each item's facts that had taken effect."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from projections_fixtures import *  # noqa: F403
from projections_fixtures import drive, load_demo

from projections import Queries, ReadModels
from projections.asof import snapshot
from projections.board_projection import apply_item
from projections.cards import board as board_cards
from projections.events import decode
from projections.ledger import ledger as ledger_rows
from projections.versions import effective_day
from tracker.application import TrackerApplication

MARKS = ("backfilled", "completion_backfilled")
EXAMPLES = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _plain(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in c.items() if k not in MARKS} for c in cards]


def _figures(row: dict[str, Any]) -> dict[str, Any]:
    """A ledger row but its missed reports (segments are clipped by date, not by sequence)."""
    items = {k: v for k, v in row["items"].items() if k != "reports_missed"}
    return {**{k: v for k, v in row.items() if k != "reports_missed"}, "items": items}


def _history(app: TrackerApplication, read_models: ReadModels, clock: Any) -> list[datetime]:
    """The demo plan with a random history over many days; each event's recorded instant."""
    load_demo(app)
    drive(app, random.Random(7), 160, clock)
    read_models.catch_up()
    notes = app.recorder.select_notifications(0, 100000)
    return [decode(app, n, app.timezone).at for n in notes]


def test_as_recorded_board_equals_a_replay_at_random_instants(
        app: TrackerApplication, read_models: ReadModels, queries: Queries, clock: Any,
        stamped: None) -> None:
    stamps = _history(app, read_models, clock)

    @EXAMPLES
    @given(st.integers(0, len(stamps) - 1), st.integers(0, 3600))
    def check(index: int, seconds: int) -> None:
        instant = stamps[index] + timedelta(seconds=seconds)
        view = queries.as_of(queries._day_of(instant), "recorded", instant)
        got = queries.board("ogy", as_of=view, include_cancelled=True)
        with snapshot(read_models, instant) as engine, engine.connect() as conn:
            want = board_cards(conn, view.day, 3, "ogy", include_cancelled=True)
            want_ledger = ledger_rows(conn, view.day, "ogy")
        assert _plain(got) == _plain(want)
        got_ledger = queries.ledger("ogy", as_of=view)
        assert [_figures(r) for r in got_ledger] == [_figures(r) for r in want_ledger]

    check()


def _in_effect(app: TrackerApplication, day: date) -> dict[str, dict[str, Any]]:
    """Oracle: per item, its state after the longest run of its facts such that every later
    fact takes effect after the day."""
    by_item: dict[str, list[Any]] = {}
    for note in app.recorder.select_notifications(0, 100000):
        env = decode(app, note, app.timezone)
        if env.aggregate_type == "WorkItem":
            by_item.setdefault(env.aggregate_id, []).append(env)
    out = {}
    for item_id, envs in by_item.items():
        keep = len(envs)
        while keep and effective_day(envs[keep - 1]) > day:
            keep -= 1
        row = None
        for env in envs[:keep]:
            applied = apply_item(row, env)
            row = applied[0] if applied is not None else row
        if row is not None:
            out[item_id] = row
    return out


def test_as_in_effect_board_equals_a_fold_of_the_facts_in_effect(
        app: TrackerApplication, read_models: ReadModels, queries: Queries, clock: Any,
        stamped: None) -> None:
    stamps = _history(app, read_models, clock)
    first, last = queries._day_of(stamps[0]), queries._day_of(stamps[-1])

    @EXAMPLES
    @given(st.integers(0, (last - first).days))
    def check(offset: int) -> None:
        day = first + timedelta(days=offset)
        view = queries.as_of(day, "effect")
        got = {c["id"]: c for c in queries.board("ogy", as_of=view, include_cancelled=True)}
        want = _in_effect(app, day)
        assert set(got) == {k for k, r in want.items() if r["plan_key"] == "ogy"}
        for item_id, card in got.items():
            row = want[item_id]
            assert (card["status"], card["due"], card["owner"], card["percent"],
                    card["version"]) == (row["status"], row["due"], row["owner"],
                                         row["percent"], row["version"])

    check()


def test_as_recorded_view_names_the_last_event_recorded_by_then(
        app: TrackerApplication, read_models: ReadModels, queries: Queries, clock: Any,
        stamped: None) -> None:
    stamps = _history(app, read_models, clock)
    seqs = [n.id for n in app.recorder.select_notifications(0, 100000)]
    for index in range(0, len(stamps), 17):
        view = queries.as_of(queries._day_of(stamps[index]), "recorded", stamps[index])
        assert view.seq == max(s for s, at in zip(seqs, stamps, strict=True)
                               if at <= stamps[index])
    with read_models.engine.connect() as conn:
        count = conn.execute(sa.text("select count(*) from rm_board_versions")).scalar()
    assert count and count > len(app.list_item_ids())
