"""The audit projection keeps the chain head as events arrive: reports read it instead of
re-hashing history, a rebuild gives the same head, `tracker audit verify` cross-checks it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from projections_fixtures import *  # noqa: F403
from projections_fixtures import load_demo

import tracker.auditexport
from projections import Queries, ReadModels
from projections import tables as t
from projections.reports.data import source
from tracker.application import TrackerApplication
from tracker.auditchain import GENESIS
from tracker.auditexport import audit_head, check_stored_chain
from tracker.cli import main


def test_the_stored_head_is_the_head_a_full_export_ends_with(
        app: TrackerApplication, read_models: ReadModels, queries: Queries) -> None:
    assert queries.chain_head() == {"chain_head": GENESIS, "seq": None, "count": 0}
    load_demo(app)
    read_models.catch_up()

    stored = queries.chain_head()

    assert stored == audit_head(queries)
    assert stored["count"] > 50 and stored["seq"] == read_models.head()


def test_a_rebuild_stores_the_same_head(app: TrackerApplication, read_models: ReadModels,
                                        queries: Queries) -> None:
    load_demo(app)
    read_models.batch_size = 37  # many small batches: the head is carried from one to the next
    read_models.catch_up()
    before = queries.chain_head()

    read_models.rebuild(["audit"])

    assert queries.chain_head() == before
    assert check_stored_chain(queries).ok


def test_the_head_as_recorded_by_a_cutoff_is_the_head_of_the_trail_up_to_it(
        app: TrackerApplication, read_models: ReadModels, queries: Queries) -> None:
    load_demo(app)
    read_models.catch_up()
    rows = list(queries.iter_audit())
    cutoff = rows[len(rows) // 2]["at"]

    assert queries.chain_head(until=cutoff) == audit_head(queries, until=cutoff)
    assert queries.chain_head(until=datetime(1999, 1, 1, tzinfo=UTC))["count"] == 0


def test_a_report_source_reads_the_stored_head_without_hashing(
        app: TrackerApplication, read_models: ReadModels, queries: Queries,
        monkeypatch: pytest.MonkeyPatch) -> None:
    load_demo(app)
    read_models.catch_up()
    expected = audit_head(queries)

    def no_rehash(*_args: object, **_kwargs: object) -> str:
        raise AssertionError("the report re-hashed the audit trail")

    monkeypatch.setattr(tracker.auditexport, "record_hash", no_rehash)

    assert source(queries, None) == {"seq": expected["seq"], "chain_head": expected["chain_head"],
                                     "count": expected["count"]}


def run(tmp_path: Path, db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--instance", str(tmp_path / "inst"), "--db", db, *args])
    return result.exit_code, result.stdout, result.stderr


def test_audit_verify_cross_checks_the_stored_head(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    assert run(tmp_path, db, "demo")[0] == 0

    code, out, _ = run(tmp_path, db, "audit", "verify")
    assert code == 0
    assert out.startswith("OK: ") and "stored chain head" in out

    engine = sa.create_engine(db)
    with engine.begin() as conn:
        seq = conn.execute(sa.select(sa.func.max(t.audit.c.seq))).scalar()
        conn.execute(t.audit.update().where(t.audit.c.seq == seq).values(chain_hash="f" * 64))
    engine.dispose()

    code, _, err = run(tmp_path, db, "audit", "verify")
    assert code == 1
    assert f"TAMPERED: record {seq}: the stored chain head {'f' * 64}" in err


def test_audit_verify_catches_a_record_changed_under_its_stored_head(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    assert run(tmp_path, db, "demo")[0] == 0
    engine = sa.create_engine(db)
    with engine.begin() as conn:
        conn.execute(t.audit.update().where(t.audit.c.seq == 3).values(actor="someone else"))
    engine.dispose()

    code, _, err = run(tmp_path, db, "audit", "verify")

    assert code == 1
    assert "TAMPERED: record 3: the stored chain head" in err
