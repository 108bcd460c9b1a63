"""A record's canonical text made with one member given as its stored canonical text is byte
for byte the record's canonical form, and the per-event table keeps that text as it is."""

from __future__ import annotations

import json

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from projections import tables as t
from tracker.auditchain import GENESIS, Jcs, audit_body, canonical_json, canonical_with, jcs

KEYS = st.sampled_from(["seq", "actor", "data", "event_type", "version", "timestamp",
                        "aggregate_id", "aggregate_type", "prev_hash", "a", "z", "d", "data2"])
VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(),
              st.floats(allow_nan=False, allow_infinity=False)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=4), inner, max_size=3)),
    max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(KEYS, VALUES, max_size=8), KEYS, VALUES)
def test_a_member_given_as_text_makes_the_canonical_form(record: dict[str, object], key: str,
                                                          value: object) -> None:
    whole = {**record, key: value}
    rest = {k: v for k, v in whole.items() if k != key}
    assert canonical_with(rest, key, jcs(value)) == canonical_json(whole).decode("utf-8")


def test_the_stored_text_is_the_canonical_text_and_reads_back_as_json() -> None:
    engine = sa.create_engine("sqlite://")
    table = sa.Table("x", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("data", t.Canonical))
    table.create(engine)
    value = {"b": [1, 2.0, "二"], "a": {"score": 80.0}}
    with engine.begin() as conn:
        conn.execute(table.insert(), [{"id": 1, "data": value},
                                      {"id": 2, "data": Jcs('{"kept":"as it is"}')}])
        raw = dict(conn.execute(sa.text("SELECT id, data FROM x")).tuples().all())
        read = dict(conn.execute(sa.select(table.c.id, table.c.data)).tuples().all())
    assert raw[1] == '{"a":{"score":80},"b":[1,2,"二"]}'
    assert read[1] == json.loads(raw[1]) and read[2] == {"kept": "as it is"}


TEXT = st.text(max_size=12)
NUMBER = st.integers(min_value=-2**60, max_value=2**60)  # past 2**53 too


@settings(max_examples=400, deadline=None)
@given(NUMBER, TEXT, TEXT, TEXT, TEXT, TEXT, NUMBER, VALUES,
       st.sampled_from([GENESIS, "ab" * 32]), st.none() | st.sampled_from(["cd" * 32]))
def test_an_audit_records_text_written_member_by_member_is_its_canonical_form(
        seq: int, timestamp: str, actor: str, aggregate_type: str, aggregate_id: str,
        event_type: str, version: int, data: object, prev: str, own: str | None) -> None:
    record = {"seq": seq, "timestamp": timestamp, "actor": actor,
              "aggregate_type": aggregate_type, "aggregate_id": aggregate_id,
              "event_type": event_type, "version": version, "data": data, "prev_hash": prev}
    if own is not None:
        record["hash"] = own
    try:
        expected = canonical_json(record).decode("utf-8")
    except (ValueError, UnicodeEncodeError):  # not JSON text at all (a lone surrogate)
        return
    assert audit_body(seq, timestamp, actor, aggregate_type, aggregate_id, event_type, version,
                      jcs(data), prev, own) == expected
