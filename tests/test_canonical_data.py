"""The per-event table keeps an event's data as its canonical text, as it is, and reads it
back as JSON."""

from __future__ import annotations

import sqlalchemy as sa

from projections import tables as t
from tracker.auditchain import Jcs, canonical_json


def test_the_stored_text_is_the_canonical_text_and_reads_back_as_json() -> None:
    engine = sa.create_engine("sqlite://")
    table = sa.Table("x", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("data", t.Canonical))
    table.create(engine)
    value = {"b": [1, 2.0, "二"], "a": {"score": 80.0}, "c": [2.0**53, 2**53, 1e21]}
    with engine.begin() as conn:
        conn.execute(table.insert(), [{"id": 1, "data": value},
                                      {"id": 2, "data": Jcs('{"kept":"as it is"}')}])
        raw = dict(conn.execute(sa.text("SELECT id, data FROM x")).tuples().all())
        read = dict(conn.execute(sa.select(table.c.id, table.c.data)).tuples().all())
    assert raw[1] == ('{"a":{"score":80},"b":[1,2,"二"],'
                      '"c":[9007199254740992,"9007199254740992",1e+21]}')
    # read back, the value is written the same way again (a whole float past 2**53 stays one)
    assert canonical_json(read[1]).decode("utf-8") == raw[1]
    assert read[1]["c"] == [2.0**53, "9007199254740992", 1e21] and type(read[1]["c"][0]) is float
    assert read[2] == {"kept": "as it is"}

