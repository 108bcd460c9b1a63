"""One per-event table serves the audit trail and every item's timeline: a store whose read
models kept them apart (rm_audit, rm_history) opens with them replayed into it, and the
timeline's "what changed" is worked out from the item's events."""

from __future__ import annotations

import sqlalchemy as sa
from projections_fixtures import *  # noqa: F403
from projections_fixtures import load_demo

from projections import Queries, ReadModels
from projections import tables as t
from tracker.application import TrackerApplication
from tracker.auditexport import check_stored_chain
from tracker.permissions import SYSTEM


def test_a_store_with_the_former_tables_opens_with_the_events_replayed_into_one(
        app: TrackerApplication, read_models: ReadModels, queries: Queries) -> None:
    load_demo(app)
    read_models.catch_up()
    with read_models.engine.begin() as conn:  # as an earlier version left it
        t.audit.drop(conn)
        conn.execute(sa.text("CREATE TABLE rm_audit (seq BIGINT PRIMARY KEY, data TEXT)"))
        conn.execute(sa.text("CREATE TABLE rm_history (seq BIGINT PRIMARY KEY, data TEXT)"))
    read_models.create_tables()
    read_models.catch_up()
    tables = set(sa.inspect(read_models.engine).get_table_names())
    assert "rm_events" in tables and not {"rm_audit", "rm_history"} & tables
    with read_models.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.audit)).scalar() \
            == read_models.head()
    assert check_stored_chain(queries).ok


def test_the_timeline_says_what_each_event_changed_from_the_items_events(
        app: TrackerApplication, read_models: ReadModels, queries: Queries) -> None:
    load_demo(app)
    item = app.list_item_ids()[0]
    card = app.get_item(item)
    assert card.due.day != 28
    app.execute(item, "reschedule", SYSTEM, None, due=card.due.replace(day=28),
                reason="提前")
    read_models.catch_up()
    timeline = queries.history(item)
    assert [e["version"] for e in timeline] == list(range(1, len(timeline) + 1))
    last = timeline[-1]
    assert last["event_type"] == "ExtensionRequested"
    assert last["changes"] == {"pending_due": [None, card.due.replace(day=28).isoformat()]}
    assert last["reason"] == "提前" and last["data"]["reason"] == "提前"
    assert all(e["changes"] == {} for e in queries.history(item, changes=False))
