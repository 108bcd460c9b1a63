"""A record's export line made with one canonicalisation is byte for byte the line made the
long way (the canonical form of the record with prev_hash and hash)."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.auditchain import (
    GENESIS,
    ChainWriter,
    canonical_json,
    chain_record,
    chained_line,
    chained_members,
    members_hash,
    record_hash,
    value_text,
)

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


ASCII_KEYS = st.one_of(
    st.sampled_from(["seq", "actor", "data", "version", "a", "z", "h", "has", "hasa", "hash2",
                     "hash_", "i", "id", "pre", "prev", "prev_", "prev_has", "prev_hasi",
                     "prev_hash0"]),  # around where hash and prev_hash go
    st.text(st.characters(max_codepoint=127), max_size=4)).filter(
    lambda k: k not in ("hash", "prev_hash"))


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(ASCII_KEYS, VALUES, max_size=8), st.sampled_from([GENESIS, "ab" * 32]))
def test_a_record_given_as_its_members_texts_makes_the_same_line(
        record: dict[str, object], prev: str) -> None:
    try:
        expected = chained_line(record, prev)
    except ValueError:  # (a lone surrogate: the members way refuses it too)
        with pytest.raises(ValueError):
            chained_members({k: value_text(v) for k, v in record.items()}, prev)
        return
    members = {k: value_text(v) for k, v in record.items()}

    assert chained_members(members, prev) == expected
    assert members_hash(members, prev) == record_hash(record, prev) == expected[1]


def test_a_chain_written_from_members_is_the_chain_written_from_records() -> None:
    records = [{"seq": n, "actor": "张三", "data": {"score": 80.0, "note": "=1+1"}}
               for n in (3, 5, 9)]
    by_record, by_members = io.StringIO(), io.StringIO()
    plain, texts = ChainWriter(by_record), ChainWriter(by_members)
    for record in records:
        plain.write(record)
        texts.write_members({k: value_text(v) for k, v in record.items()})

    assert texts.close() == plain.close()
    assert by_members.getvalue() == by_record.getvalue()


@pytest.mark.parametrize("members", [
    {"seq": "3", "x": '"y"'},  # not after seq 5
    {"seq": '"6"'},  # a string, not an integer
    {"x": "1"},  # no seq
    {"seq": "6", "chain_head": '"0"'},
])
def test_members_are_refused_as_records_are(members: dict[str, str]) -> None:
    writer = ChainWriter(io.StringIO())
    writer.write_members({"seq": "5"})

    with pytest.raises(ValueError):
        writer.write_members(members)


@pytest.mark.parametrize("members", [{"seq": "1", "键": '"x"'}, {"seq": "1", "hash": '"x"'},
                                     {"seq": "1", "x": '"\udc00"'}])
def test_members_the_line_cannot_be_made_from_are_refused(members: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        chained_members(members, GENESIS)
