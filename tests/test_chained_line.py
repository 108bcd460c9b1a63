"""A record's export line made with one canonicalisation is byte for byte the line made the
long way (the canonical form of the record with prev_hash and hash)."""

from __future__ import annotations

import hashlib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.auditchain import GENESIS, canonical_json, chain_record, chained_line

KEYS = st.one_of(st.sampled_from(["seq", "actor", "data", "event_type", "version", "timestamp",
                                  "aggregate_id", "hash2", "note", "a", "z", "prev", "é", "x"]),
                 st.text(max_size=4))
VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(),
              st.floats(allow_nan=False, allow_infinity=False)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=4), inner, max_size=3)),
    max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(KEYS, VALUES, max_size=8), st.sampled_from([GENESIS, "ab" * 32]))
def test_the_one_pass_line_is_the_canonical_line(record: dict[str, object], prev: str) -> None:
    line, own = chained_line(record, prev)
    assert line == canonical_json(chain_record(record, prev)).decode("utf-8")
    assert own == chain_record(record, prev)["hash"]
    parsed = json.loads(line)
    assert parsed["prev_hash"] == prev and parsed["hash"] == own


def test_an_audit_record_with_prev_hash_inside_its_data() -> None:
    record = {"seq": 1, "timestamp": "2012-01-01T00:00:00Z", "actor": "张三",
              "aggregate_type": "WorkItem", "aggregate_id": "x", "event_type": "Commented",
              "version": 2, "data": {"prev_hash": "伪造", "text": ',"prev_hash":"0"'}}
    line, own = chained_line(record, GENESIS)
    assert line == canonical_json(chain_record(record, GENESIS)).decode("utf-8")
    body = {k: v for k, v in json.loads(line).items() if k != "hash"}
    assert own == hashlib.sha256(canonical_json(body)).hexdigest()
