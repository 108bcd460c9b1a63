"""A backup made before audit hashes followed RFC 8785 (its audit hashes were taken over
``json.dumps`` text, where a score of 80.0 stayed ``80.0``) still restores."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from projections.audit_projection import store_records
from projections.engine import ReadModels
from projections.queries import Queries
from tracker.application import TrackerApplication
from tracker.auditchain import ChainWriter
from tracker.auditexport import audit_records, chain_head, legacy_chain_head
from tracker.grading import CRITERIA
from tracker.importer import import_plan
from tracker.permissions import SYSTEM
from tracker.planfile import parse_plan_file
from tracker.storage import parse_database_url

PLAN = """\
plan: {key: g, title: 定级, starts: 2012-01-01, ends: 2012-12-31}
units: [{key: u1, name: 第一支部}]
people: [{key: p1, name: 书记}]
items: []
"""


def run(tmp_path: Path, db: str, *args: str) -> tuple[int, str, str]:
    from tracker.cli import main

    result = CliRunner().invoke(main, ["--instance", str(tmp_path / "inst"), "--db", db, *args])
    return result.exit_code, result.stdout, result.stderr


def store_side_records(db: str) -> list[dict[str, Any]]:
    """The audit records as the event store's decoded events make them (scores still floats,
    where the read side keeps the canonical text, 80); the read side's give the same head."""
    store = parse_database_url(db)
    app = TrackerApplication(env=store.es_env)
    rm = ReadModels(app, store, yellow_days=3)
    try:
        rm.create_tables()
        rm.catch_up()
        records = list(store_records(app))
        stored = list(audit_records(Queries(rm, app.today, 3)))
        assert [r["seq"] for r in stored] == [r["seq"] for r in records]
        assert chain_head(stored) == chain_head(records)
        assert any(type(v) is float for r in records
                   for v in r["data"].get("self_scores", {}).values())
        assert not any(type(v) is float for r in stored
                       for v in r["data"].get("self_scores", {}).values())
        return records
    finally:
        rm.close()
        app.close()


def audit_head_of(records: list[dict[str, Any]]) -> str:
    return str(chain_head(records)["chain_head"])


def test_a_backup_with_former_audit_hashes_restores_and_says_so(tmp_path: Path) -> None:
    db, fresh = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    app = TrackerApplication(env=parse_database_url(db).es_env)
    import_plan(app, parse_plan_file(PLAN), SYSTEM)
    scores = dict.fromkeys(CRITERIA, 80.0)
    app.assess_unit(SYSTEM, "u1", "g", label="年中", self_scores=scores, superior_scores=scores)
    app.close()
    backup = tmp_path / "old.jsonl"
    assert run(tmp_path, db, "backup", str(backup))[0] == 0
    records = store_side_records(db)
    old_head = legacy_chain_head(records)
    assert old_head != audit_head_of(records)  # 80.0 hashes differently under the two rules
    text = backup.read_text("utf-8").splitlines()
    events = [json.loads(line) for line in text[1:-1]]
    former = {r["seq"]: legacy_chain_head(records[: i + 1]) for i, r in enumerate(records)}
    for event in events:  # each event's audit hash as the former rule had it
        event["audit_hash"] = former[event["seq"]]
    out_buf = io.StringIO()
    writer = ChainWriter(out_buf)
    writer.write({k: v for k, v in json.loads(text[0]).items() if k not in ("hash", "prev_hash")})
    for event in events:
        writer.write({k: v for k, v in event.items() if k not in ("hash", "prev_hash")})
    writer.close()
    backup.write_text(out_buf.getvalue(), "utf-8")
    code, out, err = run(tmp_path, fresh, "restore", str(backup))
    assert code == 0, err
    assert "before audit hashes followed RFC 8785" in out
    tampered = backup.read_text("utf-8").replace(old_head, "f" * 64)
    (tmp_path / "bad.jsonl").write_text(tampered, "utf-8")
    assert run(tmp_path, f"sqlite:///{tmp_path / 'c.db'}", "restore",
               str(tmp_path / "bad.jsonl"))[0] != 0
