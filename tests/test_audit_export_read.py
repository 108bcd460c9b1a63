"""The export reads the audit trail straight from the driver: every record is the one the long
way makes (SQLAlchemy rows through export_record), value for value and type for type, under
every filter; the JSON Lines export, written from the canonical data the projection keeps
without decoding it, is the long way's byte for byte."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from projections_fixtures import *  # noqa: F403
from projections_fixtures import drive, load_demo

import projections.queries
from projections import Queries, ReadModels
from projections import tables as t
from tracker.application import TrackerApplication
from tracker.auditexport import (
    audit_members,
    audit_records,
    export_record,
    stream_jsonl,
    stream_members_jsonl,
)

# What a database keeps of text: no lone surrogates (not UTF-8), no NUL (PostgreSQL text).
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=6)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**64), max_value=2**64)
    | st.floats(allow_nan=False, allow_infinity=False) | TEXT | st.sampled_from([
        "进展顺利", "=SUM(A1)", "\x01\x1f\"\\\u2028", "\U0001f600", ',"prev_hash":"0"']),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8)
INSTANTS = st.datetimes(datetime(2001, 1, 1), datetime(2099, 12, 31)) | st.datetimes(
    datetime(2001, 1, 1), datetime(2099, 12, 31)).map(lambda d: d.replace(microsecond=0))
ROWS = st.lists(st.tuples(
    INSTANTS, st.sampled_from(["secretary", "张三", "system", ""]) | TEXT,
    st.sampled_from(["WorkItem", "Plan", "Person"]),
    st.sampled_from([str(uuid.UUID(int=n)) for n in range(3)]),
    st.sampled_from(["ogy", "计划", None]),
    st.sampled_from(["Created", "Reassigned", "Commented"]),
    st.integers(min_value=1, max_value=2**31 - 1),
    st.dictionaries(TEXT | st.sampled_from(["prev_hash", "hash", "seq"]), VALUES, max_size=4),
), max_size=12)


NOWHERE = (datetime(2012, 1, 1), "nobody", "Plan", str(uuid.UUID(int=9)), "none", "Moved")


def _filters(rows: list[tuple[Any, ...]], draw: Any) -> dict[str, Any]:
    """Some of the filters the export takes, with values the rows have (or none has)."""
    pick = lambda i: draw(st.sampled_from([r[i] for r in [*rows, NOWHERE]]))  # noqa: E731
    zone = draw(st.sampled_from([UTC, timezone(timedelta(hours=8))]))
    candidates = {"plan": lambda: pick(4), "actor": lambda: pick(1),
                  "event_type": lambda: pick(5), "item": lambda: uuid.UUID(pick(3)),
                  "since": lambda: pick(0).replace(tzinfo=UTC).astimezone(zone),
                  "until": lambda: pick(0).replace(tzinfo=UTC).astimezone(zone),
                  "after_seq": lambda: draw(st.integers(0, len(rows)))}
    chosen = draw(st.sets(st.sampled_from(sorted(candidates)), max_size=3))
    return {name: candidates[name]() for name in sorted(chosen)}


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, data=st.data(), batch=st.integers(min_value=1, max_value=5))
def test_the_driver_read_gives_the_records_the_long_way_gives(
        read_models: ReadModels, queries: Queries, monkeypatch: pytest.MonkeyPatch,
        rows: list[tuple[Any, ...]], data: st.DataObject, batch: int) -> None:
    monkeypatch.setattr(projections.queries, "AUDIT_BATCH", batch)
    with read_models.engine.begin() as conn:
        conn.execute(t.audit.delete())
        if rows:
            conn.execute(t.audit.insert(), [
                {"seq": seq, "at": at, "actor": actor, "aggregate_type": kind,
                 "aggregate_id": aggregate_id, "plan_key": plan, "event_type": event_type,
                 "version": version, "data": fields,
                 "chain_hash": "0" * 64, "chain_count": seq}
                for seq, (at, actor, kind, aggregate_id, plan, event_type, version, fields)
                in enumerate(rows, 1)])
    filters = _filters(rows, data.draw)

    fast = list(queries.iter_audit_records(**filters))
    slow = [export_record(row) for row in queries.iter_audit(**filters)]

    assert repr(fast) == repr(slow)  # (repr tells 80.0 from 80 and True from 1)
    long_way = "".join(stream_jsonl(slow))
    assert "".join(stream_jsonl(fast)) == long_way
    assert "".join(stream_members_jsonl(queries.iter_audit_members(**filters), batch=2)) == long_way


def test_the_json_lines_export_of_a_real_trail_is_the_long_way_s(
        app: TrackerApplication, read_models: ReadModels, queries: Queries, clock: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    load_demo(app)
    drive(app, random.Random(7), 150, clock)
    read_models.catch_up()
    monkeypatch.setattr(projections.queries, "AUDIT_BATCH", 7)

    lines = "".join(stream_members_jsonl(audit_members(queries)))

    assert lines == "".join(stream_jsonl(export_record(row) for row in queries.iter_audit()))
    assert lines.count("\n") == len(list(queries.iter_audit())) + 1


def test_the_export_reads_no_row_through_sqlalchemy_results(
        read_models: ReadModels, queries: Queries, monkeypatch: pytest.MonkeyPatch) -> None:
    with read_models.engine.begin() as conn:
        conn.execute(t.audit.insert(), [
            {"seq": n, "at": datetime(2012, 1, 1, 8, 0, n), "actor": "secretary",
             "aggregate_type": "WorkItem", "aggregate_id": str(uuid.UUID(int=n)),
             "plan_key": "ogy", "event_type": "Commented", "version": 1,
             "data": {"text": f"第{n}条", "score": 80.0},
             "chain_hash": "0" * 64, "chain_count": n} for n in range(1, 8)])

    def no_result_rows(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the export read audit rows through SQLAlchemy's results")

    monkeypatch.setattr(sa.engine.CursorResult, "__iter__", no_result_rows)
    monkeypatch.setattr(sa.engine.CursorResult, "mappings", no_result_rows)
    monkeypatch.setattr(projections.queries, "AUDIT_BATCH", 3)

    records = list(audit_records(queries, plan="ogy"))
    members = list(audit_members(queries, plan="ogy"))

    assert [r["seq"] for r in records] == list(range(1, 8))
    assert records[0]["timestamp"] == "2012-01-01T08:00:01Z"
    # data as stored, canonical: 80.0 is written 80 (the event store keeps 80.0)
    assert repr(records[0]["data"]) == repr({"score": 80, "text": "第1条"})
    assert [m["seq"] for m in members] == [str(n) for n in range(1, 8)]
