"""The audit chain for outsiders: docs/verify-audit.js (Node, written from docs/audit-format.md)
and `tracker audit verify` agree on every record; a recomputed chain fails against the
published key; CSV/XLSX carry the same hashes; the head is signed everywhere."""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from tracker.application import TrackerApplication
from tracker.auditchain import GENESIS, ChainWriter, canonical_json, record_hash, verify_chain
from tracker.auditsign import load_signer
from tracker.cli import main
from tracker.grading import CRITERIA
from tracker.importer import import_plan
from tracker.permissions import SYSTEM
from tracker.planfile import parse_plan_file
from tracker.storage import parse_database_url

ROOT = Path(__file__).resolve().parents[1]
NODE_VERIFIER = ROOT / "docs" / "verify-audit.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")


def cli(instance: Path, db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--instance", str(instance), "--db", db, *args])
    return result.exit_code, result.stdout, result.stderr


def node(*args: str | Path) -> tuple[int, str]:
    assert NODE is not None
    done = subprocess.run([NODE, str(NODE_VERIFIER), *map(str, args)], capture_output=True,
                          text=True, timeout=60, check=False)
    return done.returncode, done.stdout + done.stderr


def node_hashes(file: Path) -> list[tuple[int, str]]:
    _, out = node("--print-hashes", file)
    return [(int(s), h) for s, h in (line.split("\t") for line in out.splitlines()
                                     if "\t" in line)]


def python_verify(file: Path, key: str | None = None) -> tuple[int, str]:
    args = ["audit", "verify", str(file)] + (["--key", key] if key else [])
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.stdout + result.stderr


def bad_line(output: str) -> int | None:
    """The line number a verifier names in its TAMPERED message."""
    if "TAMPERED" not in output:
        return None
    return int(output.split("line ", 1)[1].split(")", 1)[0].split(":", 1)[0])


def assert_both_agree(file: Path, key: str) -> None:
    """Both verifiers pass or both fail, at the same line; every record's hash is the same."""
    lines = file.read_bytes().splitlines()
    py_code, py_out = python_verify(file, key)
    js_code, js_out = node(file, key)
    assert (py_code == 0) == (js_code == 0), (py_out, js_out)
    assert bad_line(py_out) == bad_line(js_out), (py_out, js_out)
    if py_code == 0:
        records = [json.loads(line) for line in lines[:-1]]
        expected = [(r["seq"], r["hash"]) for r in records]
        assert node_hashes(file) == expected
        prev = GENESIS
        for r in records:
            assert record_hash(r, prev) == r["hash"]
            prev = r["hash"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """The demo's full export, the instance folder and the published public key."""
    tmp = tmp_path_factory.mktemp("demo")
    db, inst = f"sqlite:///{tmp / 'demo.db'}", tmp / "inst"
    assert cli(inst, db, "demo")[0] == 0
    code, _, err = cli(inst, db, "export", "audit", "--output", str(tmp / "audit.jsonl"))
    assert code == 0, err
    code, key, _ = cli(inst, db, "audit", "key")
    assert code == 0
    return tmp / "audit.jsonl", inst, key.strip()


def test_the_node_verifier_and_tracker_audit_verify_agree_on_the_demo_export(demo) -> None:
    file, _, key = demo
    assert_both_agree(file, key)
    assert python_verify(file, key)[0] == 0
    code, out = node(file, key)
    assert code == 0 and out.startswith("OK: ") and key in out
    trailer = json.loads(file.read_bytes().splitlines()[-1])
    assert set(trailer) == {"chain_head", "count", "public_key", "signature"}
    assert trailer["public_key"] == key


def test_both_verifiers_name_the_same_line_for_edited_demo_records(demo, tmp_path) -> None:
    file, _, key = demo
    lines = file.read_bytes().splitlines(keepends=True)
    rng = random.Random(19)
    for index in sorted(rng.sample(range(len(lines) - 1), 16)):  # Node starts once per file
        record = json.loads(lines[index])
        edit = rng.choice(["actor", "data", "seq", "hash", "bytes"])
        if edit == "bytes":
            altered = lines[index].replace(b'"version":', b'"version": ', 1)
        else:
            record[edit] = {"actor": "user:someone-else", "data": {"forged": 80.5},
                            "seq": record["seq"] + 1, "hash": "f" * 64}[edit]
            altered = canonical_json(record) + b"\n"
        tampered = tmp_path / "tampered.jsonl"
        tampered.write_bytes(b"".join([*lines[:index], altered, *lines[index + 1:]]))
        py_code, py_out = python_verify(tampered, key)
        js_code, js_out = node(tampered, key)
        assert py_code == js_code == 1, (index, edit, py_out, js_out)
        assert bad_line(py_out) == bad_line(js_out) == index + 1, (py_out, js_out)


def recomputed(lines: list[bytes], index: int, signer: Any | None) -> bytes:
    """The chain rewritten by someone who edited one record and recomputed every hash."""
    records = [json.loads(line) for line in lines[:-1]]
    records[index]["data"] = {**records[index]["data"], "title": "改过的标题"}
    out = io.StringIO()
    writer = ChainWriter(out, signer=signer)
    for r in records:
        writer.write(r)
    writer.close()
    return out.getvalue().encode("utf-8")


def test_a_chain_recomputed_after_an_edit_fails_against_the_published_key(
        demo, tmp_path: Path) -> None:
    file, _, key = demo
    lines = file.read_bytes().splitlines(keepends=True)
    original = json.loads(lines[-1])
    forger = load_signer(tmp_path / "forger")  # a key of the forger's own
    unsigned = recomputed(lines, 5, None)
    resigned = recomputed(lines, 5, forger)
    old_signature = unsigned.splitlines()[-1][:-1] + (
        f',"public_key":"{key}","signature":"{original["signature"]}"}}'.encode())
    for name, body in (("unsigned", unsigned), ("resigned", resigned),
                       ("old signature", b"\n".join([*unsigned.splitlines()[:-1],
                                                     old_signature]) + b"\n")):
        forged = tmp_path / "forged.jsonl"
        forged.write_bytes(body)
        assert verify_chain(io.BytesIO(body)).ok is (name != "old signature"), name
        py_code, py_out = python_verify(forged, key)
        js_code, js_out = node(forged, key)
        assert py_code == 1 and js_code == 1, (name, py_out, js_out)
        assert bad_line(py_out) == bad_line(js_out) == len(lines), (name, py_out, js_out)
        assert "signature" in py_out or "signed" in py_out


def test_a_wrong_published_key_is_an_error_and_a_malformed_one_exits_2(demo, tmp_path) -> None:
    file, _, _ = demo
    other = load_signer(tmp_path / "other").public_key
    assert python_verify(file, other)[0] == 1
    assert node(file, other)[0] == 1
    code, out = python_verify(file, "not-a-key")
    assert code == 2 and "64 hexadecimal digits" in out
    assert node(file, "not-a-key")[0] == 2


PLAN = """\
plan: {key: g, title: "Generated 生成 😀", starts: 2012-01-01, ends: 2012-12-31}
units: [{key: u1, name: "Unit\\u001f one"}, {key: u2, name: "单位 \\"二\\" \\\\ /"}]
people: [{key: p1, name: "Ω 𝄞 person"}, {key: p2, name: "Other"}]
items:
"""


def generated_store(tmp: Path, seed: int) -> tuple[str, Path]:
    """A store with random titles, comments and assessments with fractional and whole scores."""
    rng = random.Random(seed)
    alphabet = "aZ09 _-=+@\t\"\\/é中文😀𝄞\u2028\u007f"
    text = lambda n: "".join(rng.choice(alphabet) for _ in range(n)).strip() or "x"  # noqa: E731
    items = "".join(
        f"  - {{key: i{i}, title: {json.dumps(text(12))}, owner: p{1 + i % 2}, "
        f"lead_unit: u{1 + i % 2}, due: 2012-0{1 + i % 9}-1{i % 9}}}\n" for i in range(8))
    db = f"sqlite:///{tmp / 'gen.db'}"
    app = TrackerApplication(env=parse_database_url(db).es_env)
    import_plan(app, parse_plan_file(PLAN + items), SYSTEM)
    for _ in range(12):
        item = app.get_item(f"i{rng.randrange(8)}", "g")
        app.execute(item.id, "comment", SYSTEM, text=text(30))
    for unit in ("u1", "u2"):
        scores = [80.0] + [rng.choice([72.5, 100, 0.1, 33.3333, 59.99, 1e-7]) for _ in range(9)]
        app.assess_unit(SYSTEM, unit, "g", label="中期",
                        self_scores=dict(zip(CRITERIA, scores[:5], strict=True)),
                        superior_scores=dict(zip(CRITERIA, scores[5:], strict=True)))
    app.close()
    return db, tmp / "inst"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_both_verifiers_agree_on_every_record_of_generated_stores(tmp_path: Path, seed) -> None:
    db, inst = generated_store(tmp_path, seed)
    out = tmp_path / "gen.jsonl"
    assert cli(inst, db, "export", "audit", "--output", str(out))[0] == 0
    key = cli(inst, db, "audit", "key")[1].strip()
    body = out.read_bytes()
    assert b"80.0" not in body  # a score of 80.0 is written 80, as RFC 8785 says
    assert b":80," in body or b":80}" in body
    assert_both_agree(out, key)


def test_csv_and_xlsx_exports_carry_seq_prev_hash_and_hash_of_the_jsonl_chain(
        demo, tmp_path: Path) -> None:
    file, inst, _ = demo
    db = f"sqlite:///{file.parent / 'demo.db'}"
    hashes = [(str(r["seq"]), r["prev_hash"], r["hash"])
              for r in map(json.loads, file.read_bytes().splitlines()[:-1])]
    assert cli(inst, db, "export", "audit", "--format", "csv", "--output",
               str(tmp_path / "a.csv"))[0] == 0
    with (tmp_path / "a.csv").open(encoding="utf-8", newline="") as fp:
        rows = list(csv.DictReader(fp))
    assert [(r["seq"], r["prev_hash"], r["hash"]) for r in rows] == hashes
    assert cli(inst, db, "export", "audit", "--format", "xlsx", "--output",
               str(tmp_path / "a.xlsx"))[0] == 0
    workbook = openpyxl.load_workbook(tmp_path / "a.xlsx", read_only=True)
    sheet = workbook.active
    assert sheet is not None
    table = list(sheet.iter_rows(values_only=True))
    workbook.close()
    header = list(table[0])
    at = [header.index(c) for c in ("seq", "prev_hash", "hash")]
    assert [tuple(row[i] for i in at) for row in table[1:]] == hashes
