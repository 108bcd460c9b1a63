"""Tests for the tamper-evident audit chain and the formula-safe CSV/XLSX writers."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.auditchain import (
    FORMULA_PREFIXES,
    GENESIS,
    ChainWriter,
    VerifyResult,
    _safe,
    canonical_json,
    neutralise,
    record_hash,
    verify_chain,
    verify_file,
    write_csv,
    write_xlsx,
)

N = 300
DANGEROUS = ['=HYPERLINK("http://evil.example")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"]


def make_records(n: int, seed: int = 1) -> list[dict[str, Any]]:
    """Synthetic audit records; seq is spaced by 10 so a forger can slot one in between."""
    rng = random.Random(seed)
    return [
        {
            "seq": 10 * i + 1,
            "timestamp": f"2024-03-{1 + i % 28:02d}T08:{i % 60:02d}:00+00:00",
            "actor": rng.choice(["总支书记", "alice", None]),
            "aggregate_id": str(uuid.UUID(int=rng.getrandbits(128))),
            "aggregate_type": "Item",
            "event_type": rng.choice(["Item.Started", "Item.Reported", "Item.Returned"]),
            "version": i + 1,
            "data": {
                "title": f"召开全体师生党员大会 #{i}",
                "nested": {"list": [1, 2.5, None, True, "控制\u001f字符"], "empty": {}},
                "reason": None if i % 3 else "进一步提高党支部战斗力",
            },
        }
        for i in range(n)
    ]


def export(records: list[dict[str, Any]], prev_hash: str = GENESIS) -> tuple[bytes, ChainWriter]:
    fp = io.StringIO()
    writer = ChainWriter(fp, prev_hash)
    for record in records:
        writer.write(record)
    writer.close()
    return fp.getvalue().encode("utf-8"), writer


def verify(lines: list[bytes]) -> VerifyResult:
    return verify_chain(io.BytesIO(b"".join(lines)))


def assert_caught(result: VerifyResult, line: int, context: object = None) -> None:
    assert not result.ok, context
    assert result.bad_line == line, (context, result)
    assert result.head is None
    assert f"line {line}" in result.message


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return make_records(N)


@pytest.fixture(scope="module")
def lines(records: list[dict[str, Any]]) -> list[bytes]:
    data, _ = export(records)
    return io.BytesIO(data).readlines()


def test_a_good_chain_of_a_few_hundred_records_verifies_and_names_its_head(records):
    data, writer = export(records)
    result = verify_chain(io.BytesIO(data))
    last = json.loads(data.splitlines()[-2])
    assert result == VerifyResult(
        True, N, last["hash"], None, None, f"OK: {N} records, chain head {last['hash']}"
    )
    assert writer.head == last["hash"] and writer.count == N
    assert json.loads(data.splitlines()[-1]) == {"chain_head": last["hash"], "count": N}
    assert json.loads(data.splitlines()[0])["prev_hash"] == GENESIS
    assert json.loads(data.splitlines()[0])["data"]["title"] == "召开全体师生党员大会 #0"


def test_an_empty_export_verifies_with_zero_records():
    data, _ = export([])
    assert data == b'{"chain_head":"' + GENESIS.encode() + b'","count":0}\n'
    assert verify_chain(io.BytesIO(data)) == VerifyResult(
        True, 0, GENESIS, None, None, f"OK: 0 records, chain head {GENESIS}"
    )


def test_a_continued_export_starting_from_a_given_hash_verifies(records):
    start = "ab" * 32
    data, writer = export(records[:5], prev_hash=start)
    assert json.loads(data.splitlines()[0])["prev_hash"] == start
    assert verify_chain(data.decode("utf-8").splitlines(keepends=True)).head == writer.head


def test_verify_file_reads_a_good_file_and_rejects_invalid_utf8(tmp_path: Path, lines):
    path = tmp_path / "audit.jsonl"
    path.write_bytes(b"".join(lines))
    assert verify_file(path).ok
    path.write_bytes(
        b"".join(lines[:7] + [lines[7].replace("会".encode(), b"\xff\xfe", 1)] + lines[8:])
    )
    result = verify_file(str(path))
    assert_caught(result, 8)
    assert result.bad_seq is None and "UTF-8" in result.message


def test_record_hash_ignores_stored_hash_fields_and_covers_prev_hash(records):
    record = records[0]
    assert record_hash({**record, "hash": "x", "prev_hash": "y"}, GENESIS) == record_hash(
        record, GENESIS
    )
    assert record_hash(record, GENESIS) != record_hash(record, "1" * 64)
    assert canonical_json({"b": 1, "a": "中"}) == '{"a":"中","b":1}'.encode()
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


def test_the_writer_refuses_records_it_could_not_verify_and_writes_nothing_for_them():
    fp = io.StringIO()
    writer = ChainWriter(fp)
    writer.write({"seq": 5, "data": None})
    before = fp.getvalue()
    for bad in (
        {"seq": 5},
        {"seq": "6"},
        {"seq": 7, "chain_head": GENESIS},
        {"seq": 8, "data": float("inf")},
    ):
        with pytest.raises(ValueError):
            writer.write(bad)
    assert fp.getvalue() == before and writer.count == 1
    writer.close()
    with pytest.raises(ValueError):
        writer.write({"seq": 9})
    with pytest.raises(ValueError):
        ChainWriter(io.StringIO(), prev_hash="AB" * 32)


def test_a_flipped_byte_anywhere_in_a_record_line_is_caught_at_that_line(lines):
    rng = random.Random(7)
    for _ in range(300):
        k = rng.randrange(N)
        pos = rng.randrange(len(lines[k]) - 1)  # any byte but the line's own newline
        flipped = bytes([lines[k][pos] ^ rng.randrange(1, 256)])
        tampered = lines[k][:pos] + flipped + lines[k][pos + 1 :]
        assert_caught(verify(lines[:k] + [tampered] + lines[k + 1 :]), k + 1, (k, pos, flipped))


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (b"\\u001f", b"\\u001F", "canonical"),  # same JSON value, different bytes
        (b"#17", b"#18", "hash does not match"),
        (b'"version":18', b'"version":19', "hash does not match"),
        (b"#17", b"#\n7", "JSON"),  # a newline splits the line
        (b"\xe5\x8f\xac", b"\xe5\x8f\x0a", "UTF-8"),  # ... here inside a character
        (b"\xe5\x8f\xac", b"\xff\x8f\xac", "UTF-8"),
    ],
)
def test_particular_flips_are_caught_with_a_reason(lines, records, old, new, reason):
    tampered = lines[17].replace(old, new, 1)
    assert tampered != lines[17]
    result = verify(lines[:17] + [tampered] + lines[18:])
    assert_caught(result, 18)
    assert reason in result.message
    if reason == "hash does not match":
        assert result.bad_seq == records[17]["seq"] and result.count == 17


def test_a_deleted_record_is_caught_at_the_record_after_the_gap(lines, records):
    for k in random.Random(3).sample(range(1, N), 50) + [N - 1]:
        result = verify(lines[:k] + lines[k + 1 :])
        assert_caught(result, k + 1, k)
        assert result.bad_seq == (records[k + 1]["seq"] if k + 1 < N else None)


def test_deleting_the_first_record_is_caught_by_the_chain_head_count(lines):
    result = verify(lines[1:])
    assert_caught(result, N)
    assert "records" in result.message


def test_an_inserted_copy_of_another_record_is_caught_where_it_was_inserted(lines, records):
    rng = random.Random(4)
    for _ in range(50):
        k, j = rng.randrange(1, N + 1), rng.randrange(N)
        expected = k + 1 if j != k else k + 2  # a copy of the very next record fits once
        result = verify(lines[:k] + [lines[j]] + lines[k:])
        assert_caught(result, expected, (k, j))
    assert_caught(verify([lines[5]] + lines), 2)


def test_a_forged_record_is_caught_whether_or_not_its_hash_was_recomputed(lines, records):
    rng = random.Random(5)
    for k in rng.sample(range(1, N + 1), 50):
        prev = json.loads(lines[k - 1])
        forged = {**records[k - 1], "seq": prev["seq"] + 1, "data": {"title": "伪造"}}
        naive = {**forged, "prev_hash": prev["hash"], "hash": prev["hash"]}
        naive_line = canonical_json(naive) + b"\n"
        assert_caught(verify(lines[:k] + [naive_line] + lines[k:]), k + 1, k)
        clever = {**forged, "prev_hash": prev["hash"], "hash": record_hash(forged, prev["hash"])}
        clever_line = canonical_json(clever) + b"\n"
        assert_caught(verify(lines[:k] + [clever_line] + lines[k:]), k + 2, k)
        stale = {**forged, "seq": prev["seq"], "prev_hash": prev["hash"]}
        stale["hash"] = record_hash(stale, prev["hash"])
        result = verify(lines[:k] + [canonical_json(stale) + b"\n"] + lines[k:])
        assert_caught(result, k + 1, k)
        assert f"seq {prev['seq']} does not follow" in result.message


def test_swapped_records_are_caught_at_the_first_swapped_record(lines, records):
    rng = random.Random(6)
    pairs = [(i, i + 1) for i in rng.sample(range(1, N - 1), 50)]
    for _ in range(50):
        i, j = sorted(rng.sample(range(1, N), 2))
        pairs.append((i, j))
    for i, j in pairs:
        swapped = list(lines)
        swapped[i], swapped[j] = swapped[j], swapped[i]
        result = verify(swapped)
        assert_caught(result, i + 1, (i, j))
        assert result.bad_seq == records[j]["seq"]
    swapped = [lines[1], lines[0]] + lines[2:]
    assert_caught(verify(swapped), 2)  # the first record's prev_hash is the starting point


def test_garbage_and_blank_lines_are_caught_where_they_stand(lines):
    rng = random.Random(8)
    for k in rng.sample(range(N + 1), 50):
        for junk in (b"garbage\n", b"\n", b"[1,2]\n", b'{"seq":1}\n', b"\xff\n"):
            result = verify(lines[:k] + [junk] + lines[k:])
            assert_caught(result, k + 1, (k, junk))


def test_a_truncated_file_is_caught_at_the_first_missing_or_partial_line(lines):
    data = b"".join(lines)
    rng = random.Random(9)
    for cut in rng.sample(range(len(data) - 1), 50) + [0, len(data) - len(lines[-1])]:
        prefix = data[:cut]
        result = verify_chain(io.BytesIO(prefix))
        assert_caught(result, prefix.count(b"\n") + 1, cut)


def test_a_missing_or_altered_chain_head_line_is_caught(lines):
    head = json.loads(lines[-1])
    assert "missing" in verify(lines[:-1]).message
    assert_caught(verify(lines[:-1]), N + 1)
    for bad in (
        {**head, "count": N - 1},
        {**head, "count": str(N)},
        {**head, "chain_head": GENESIS},
        {**head, "extra": 1},
        {"chain_head": head["chain_head"]},
    ):
        assert_caught(verify(lines[:-1] + [canonical_json(bad) + b"\n"]), N + 1, bad)
    spaced = json.dumps(head).encode() + b"\n"
    assert_caught(verify(lines[:-1] + [spaced]), N + 1)


def test_content_after_the_chain_head_line_is_caught(lines):
    for trailer in (b"\n", b"x", lines[0], lines[-1]):
        result = verify(lines + [trailer])
        assert_caught(result, N + 2, trailer)
        assert "follows" in result.message
    assert verify(lines[:-1] + [lines[-1].rstrip(b"\n")]).ok  # only the final newline is lost


@pytest.mark.parametrize("value", DANGEROUS)
def test_neutralise_quotes_strings_a_spreadsheet_would_run(value):
    assert value.startswith(FORMULA_PREFIXES)
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["42", "plain", "中文", "", " =x", 42, -2, None, 2.5])
def test_neutralise_leaves_other_values_alone(value):
    assert neutralise(value) == value


def rows_for_export() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"seq": i, "title": t, "data": None} for i, t in enumerate(DANGEROUS)
    ]
    rows.append({"seq": 99, "title": "42", "data": {"b": ["-1"], "a": "中"}})
    return rows


def test_csv_cells_come_out_inert_and_read_back_as_text():
    fp = io.StringIO(newline="")
    assert write_csv(fp, ["seq", "title", "=cmd|data"], rows_for_export()) == len(DANGEROUS) + 1
    got = list(csv.reader(io.StringIO(fp.getvalue(), newline="")))
    assert got[0] == ["seq", "title", "'=cmd|data"]
    for row, value in zip(got[1:], DANGEROUS, strict=False):
        assert row[1] == "'" + value and row[1].startswith("'")
        assert row[2] == ""
    assert got[-1] == ["99", "42", ""]
    fp = io.StringIO(newline="")
    write_csv(fp, ["data"], [{"data": {"b": ["-1"], "a": "=中"}}, {"data": ["=1"]}])
    assert list(csv.reader(io.StringIO(fp.getvalue(), newline="")))[1:] == [
        ['{"a":"=中","b":["-1"]}'],
        ['["=1"]'],
    ]


def ooxml_text(value: str) -> str:
    """Undo OOXML's _xHHHH_ escapes (Excel does; openpyxl leaves them, e.g. "\\r" as _x000D_)."""
    return re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m[1], 16)), value)


def test_xlsx_cells_are_strings_never_formulas_and_come_out_inert(tmp_path: Path):
    path = tmp_path / "audit.xlsx"
    assert write_xlsx(path, ["seq", "title", "data"], rows_for_export()) == len(DANGEROUS) + 1
    sheet = openpyxl.load_workbook(path)["audit"]
    cells = list(sheet.iter_rows(min_row=2))
    for row, value in zip(cells, DANGEROUS, strict=False):
        assert ooxml_text(row[1].value) == "'" + value
        assert row[1].data_type == "s"
    seq, title, data = cells[-1]
    assert (seq.value, seq.data_type) == ("99", "s")
    assert (title.value, title.data_type) == ("42", "s")
    assert data.value == '{"a":"中","b":["-1"]}'
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == ["seq", "title", "data"]


def test_xlsx_goes_to_a_binary_file_object_and_caps_oversized_cells():
    out = io.BytesIO()
    write_xlsx(out, ["note"], [{"note": "=" + "长" * 40000}], sheet_name="审计")
    cell = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["审计"]["A2"]
    assert cell.data_type == "s" and cell.value.startswith("'=长")
    assert cell.value.endswith("…[truncated]") and len(cell.value) <= 32767


@pytest.mark.slow
def test_xlsx_of_200k_rows_is_written_in_constant_memory(tmp_path: Path):
    script = textwrap.dedent(f"""
        import resource
        from tracker.auditchain import write_xlsx
        rows = ({{"seq": i, "actor": "总支书记", "event_type": "Item.Reported",
                  "data": {{"note": f"进展 {{i}}"}}}} for i in range(200_000))
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        n = write_xlsx({str(tmp_path / "big.xlsx")!r}, ["seq", "actor", "event_type", "data"], rows)
        print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
    """)
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    count, grown = map(int, done.stdout.split())
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    assert count == 200_000
    assert grown * scale < 64 * 2**20  # without constant_memory this grows by ~200 MB
    sheet = openpyxl.load_workbook(tmp_path / "big.xlsx", read_only=True)["audit"]
    assert sheet.max_row == 200_001


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text() | st.sampled_from(["\x00\x1f\x7f\"\\\b\f\n\r\t", "\u2028\u2029", "\U0001f600",
                                     "\ue000", "证明材料"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.text(max_size=4) | st.sampled_from(["a", "b", "\ue000", "\U0001f600", "键"]),
        inner, max_size=4),
    max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(_json_values)
def test_canonical_json_writes_every_value_as_rfc8785_does(value: Any) -> None:
    # the standard encoder's fast path and rfc8785 agree byte for byte (or both refuse)
    try:
        expected = rfc8785.dumps(value)
    except rfc8785.IntegerDomainError:
        expected = rfc8785.dumps(_safe(value))
    except rfc8785.CanonicalizationError:
        with pytest.raises(ValueError):
            canonical_json(value)
        return
    assert canonical_json(value) == expected
