"""A record's canonical text made with one member given as its stored canonical text is byte
for byte the record's canonical form, and the per-event table keeps that text as it is."""

from __future__ import annotations

import json

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from projections import tables as t
from tracker.auditchain import Jcs, canonical_json, canonical_with, jcs

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
