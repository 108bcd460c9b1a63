"""`tracker export audit` and `tracker audit verify` on the demo: every flipped byte, deleted,
inserted or swapped record is caught and named; formulas come out inert in CSV and XLSX."""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tracker.application import TrackerApplication
from tracker.auditchain import FORMULA_PREFIXES
from tracker.cli import main
from tracker.permissions import Actor
from tracker.storage import parse_database_url

EVIL = '=HYPERLINK("http://evil.example")'
TRIALS = 25


def run(tmp_path: Path, db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--instance", str(tmp_path / "inst"), "--db", db, *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    """The demo's full audit export, as lines (the last is the chain head)."""
    tmp = tmp_path_factory.mktemp("audit")
    db = f"sqlite:///{tmp / 'demo.db'}"
    assert run(tmp, db, "demo")[0] == 0
    code, out, err = run(tmp, db, "export", "audit", "--output", str(tmp / "audit.jsonl"))
    assert code == 0, err
    return (tmp / "audit.jsonl").read_bytes().splitlines(keepends=True)


def verify(tmp_path: Path, lines: list[bytes]) -> tuple[int, str, str]:
    file = tmp_path / "check.jsonl"
    file.write_bytes(b"".join(lines))
    return run(tmp_path, "sqlite:///unused.db", "audit", "verify", str(file))


def seq_of(line: bytes) -> int:
    return int(json.loads(line)["seq"])


def assert_names(result: tuple[int, str, str], line: int, seq: int | None) -> None:
    code, _, err = result
    assert code != 0
    where = f"record {seq} (line {line})" if seq is not None else f"line {line}"
    assert f"TAMPERED: {where}:" in err, err


def test_the_untouched_export_verifies(tmp_path: Path, export: list[bytes]) -> None:
    code, out, _ = verify(tmp_path, export)
    assert code == 0
    assert out.startswith(f"OK: {len(export) - 1} records, chain head ")


def test_a_flipped_byte_anywhere_is_caught_on_its_line(tmp_path: Path, export: list[bytes]) -> None:
    rng = random.Random(9)
    for _ in range(TRIALS * 2):
        i = rng.randrange(len(export))
        line = bytearray(export[i])
        pos = rng.randrange(len(line) - 1)  # not the newline
        line[pos] ^= 1 << rng.randrange(7)
        lines = [*export[:i], bytes(line), *export[i + 1:]]
        code, _, err = verify(tmp_path, lines)
        assert code != 0
        assert f"line {i + 1})" in err or f"line {i + 1}:" in err, err


def _mutate_and_check(tmp_path: Path, export: list[bytes], seed: int,
                      mutate: Callable[[list[bytes], int], tuple[int, int]]) -> None:
    rng = random.Random(seed)
    records = len(export) - 1
    for _ in range(TRIALS):
        i = rng.randrange(1, records - 1)
        lines = list(export)
        bad_index, bad_seq = mutate(lines, i)
        assert_names(verify(tmp_path, lines), bad_index + 1, bad_seq)


def test_a_deleted_record_is_caught_at_the_record_after_it(
        tmp_path: Path, export: list[bytes]) -> None:
    def delete(lines: list[bytes], i: int) -> tuple[int, int]:
        del lines[i]
        return i, seq_of(lines[i])

    _mutate_and_check(tmp_path, export, 1, delete)


def test_an_inserted_record_is_named(tmp_path: Path, export: list[bytes]) -> None:
    rng = random.Random(2)

    def insert(lines: list[bytes], i: int) -> tuple[int, int]:
        # A copy of the record it is put in front of would be the valid one of the two (the
        # original after it is then the misplaced record): pick any other record.
        k = rng.randrange(len(lines) - 2)
        copy = lines[k if k < i else k + 1]
        lines.insert(i, copy)
        return i, seq_of(copy)

    _mutate_and_check(tmp_path, export, 3, insert)


def test_two_swapped_records_are_caught_at_the_first_moved_one(
        tmp_path: Path, export: list[bytes]) -> None:
    rng = random.Random(4)

    def swap(lines: list[bytes], i: int) -> tuple[int, int]:
        j = rng.randrange(i + 1, len(lines) - 1)
        lines[i], lines[j] = lines[j], lines[i]
        return i, seq_of(lines[i])

    _mutate_and_check(tmp_path, export, 5, swap)


def test_changes_at_the_ends_are_caught_too(tmp_path: Path, export: list[bytes]) -> None:
    assert verify(tmp_path, export[1:])[0] != 0  # first record deleted: the count says so
    assert verify(tmp_path, export[:-2] + export[-1:])[0] != 0  # last record deleted
    assert verify(tmp_path, export[:-1])[0] != 0  # chain head line removed
    assert verify(tmp_path, [export[1], export[0], *export[2:]])[0] != 0


def test_a_formula_title_and_actor_come_out_inert_in_csv_and_xlsx(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'evil.db'}"
    assert run(tmp_path, db, "demo")[0] == 0
    app = TrackerApplication(env=parse_database_url(db).es_env)
    try:
        item = app.list_item_ids()[0]
        app.execute(item, "edit", Actor(person=EVIL, role="admin"), title=EVIL)
    finally:
        app.close()
    for fmt in ("csv", "xlsx"):
        code, _, err = run(tmp_path, db, "export", "audit", "--format", fmt, "--event-type",
                           "Edited", "--output", str(tmp_path / f"a.{fmt}"))
        assert code == 0, err
    with (tmp_path / "a.csv").open(encoding="utf-8", newline="") as fp:
        csv_cells = [c for row in csv.reader(fp) for c in row]
    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    try:
        xlsx = [c for row in book.active.iter_rows() for c in row]  # type: ignore[union-attr]
    finally:
        book.close()
    assert all(c.data_type == "s" for c in xlsx)
    for cells in (csv_cells, [str(c.value or "") for c in xlsx]):
        assert "'" + EVIL in cells  # the actor cell, prefixed so it cannot run
        assert any(json.dumps(EVIL)[1:-1] in c and c.startswith("{") for c in cells)  # title
        assert not any(c.startswith(FORMULA_PREFIXES) for c in cells)
