"""Backup → restore into a fresh database reproduces the events, the chain head and the read
models; a damaged file or a non-empty store is refused with exit 2 and nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from pgschema import fresh_postgres_schema

from projections import tables as t
from tracker.cli import main
from tracker.storage import parse_database_url


@pytest.fixture
def second_database(database_url: str, tmp_path: Path) -> Iterator[str]:
    """Another empty database of the same kind (a second file or PostgreSQL schema)."""
    store = parse_database_url(database_url)
    if store.kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    with fresh_postgres_schema(database_url, "r") as url:
        yield url


def run(tmp_path: Path, db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--instance", str(tmp_path / "inst"), "--db", db, *args])
    return result.exit_code, result.stdout, result.stderr


def rm_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every read-model table, sorted, by table name."""
    store = parse_database_url(url)
    args = {"options": f"-csearch_path={store.schema}"} if store.schema else {}
    engine = sa.create_engine(store.sqlalchemy_url, connect_args=args)
    try:
        with engine.connect() as conn:
            return {table.name: sorted((tuple(r) for r in conn.execute(sa.select(table))), key=repr)
                    for table in t.metadata.sorted_tables}
    finally:
        engine.dispose()


def event_rows(tmp_path: Path, url: str) -> list[tuple[Any, ...]]:
    """Every stored event (notification id, originator, version, topic, state)."""
    from tracker.application import TrackerApplication

    app = TrackerApplication(env=parse_database_url(url).es_env)
    try:
        return [(n.id, n.originator_id, n.originator_version, n.topic, n.state)
                for n in app.recorder.select_notifications(1, 100000)]
    finally:
        app.close()


@pytest.fixture
def demo_backup(tmp_path: Path, database_url: str) -> Path:
    """The demo loaded into the test's database and backed up to a file."""
    assert run(tmp_path, database_url, "demo")[0] == 0
    file = tmp_path / "backup.jsonl"
    code, out, err = run(tmp_path, database_url, "backup", str(file))
    assert code == 0, err
    assert "events backed up" in out
    return file


def test_restore_into_a_fresh_database_gives_the_same_events_chain_head_and_read_models(
        tmp_path: Path, database_url: str, second_database: str, demo_backup: Path) -> None:
    code, out, err = run(tmp_path, second_database, "restore", str(demo_backup))
    assert code == 0, err
    assert "events restored" in out
    heads = []
    for url, name in ((database_url, "a.jsonl"), (second_database, "b.jsonl")):
        code, out, _ = run(tmp_path, url, "export", "audit", "--output", str(tmp_path / name))
        assert code == 0
        heads.append(out.split("chain head ")[1].strip())
    assert heads[0] == heads[1]
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert event_rows(tmp_path, database_url) == event_rows(tmp_path, second_database)
    assert rm_rows(database_url) == rm_rows(second_database)


def test_a_backup_verifies_as_a_chain_and_ends_with_the_audit_head(
        tmp_path: Path, database_url: str, demo_backup: Path) -> None:
    code, out, _ = run(tmp_path, database_url, "audit", "verify", str(demo_backup))
    assert code == 0 and out.startswith("OK:")
    run(tmp_path, database_url, "export", "audit", "--output", str(tmp_path / "a.jsonl"))
    last_event = demo_backup.read_text("utf-8").splitlines()[-2]
    audit_head = (tmp_path / "a.jsonl").read_text("utf-8").splitlines()[-1]
    assert f'"audit_hash":"{audit_head[15:79]}"' in last_event


def test_restore_refuses_a_store_that_is_not_empty(
        tmp_path: Path, database_url: str, demo_backup: Path) -> None:
    before = event_rows(tmp_path, database_url)
    code, _, err = run(tmp_path, database_url, "restore", str(demo_backup))
    assert code == 2
    assert "not empty" in err and "Nothing was restored" in err
    assert event_rows(tmp_path, database_url) == before


@pytest.mark.parametrize("damage", ["flip", "drop", "truncate", "audit_export"])
def test_restore_refuses_a_damaged_file_and_writes_nothing(
        tmp_path: Path, database_url: str, second_database: str, demo_backup: Path,
        damage: str) -> None:
    lines = demo_backup.read_bytes().splitlines(keepends=True)
    if damage == "flip":
        line = bytearray(lines[40])
        line[line.index(b'"state":"') + 20] ^= 0x01
        lines[40] = bytes(line)
    elif damage == "drop":
        del lines[17]
    elif damage == "truncate":
        lines = lines[:-1]
    else:
        run(tmp_path, database_url, "export", "audit", "--output", str(demo_backup))
        lines = demo_backup.read_bytes().splitlines(keepends=True)
    demo_backup.write_bytes(b"".join(lines))
    code, out, err = run(tmp_path, second_database, "restore", str(demo_backup))
    assert code == 2, out
    assert "Nothing was restored" in err
    assert event_rows(tmp_path, second_database) == []


def test_restore_of_a_missing_file_is_refused(tmp_path: Path, database_url: str) -> None:
    code, _, err = run(tmp_path, database_url, "restore", str(tmp_path / "none.jsonl"))
    assert code == 2 and "No such file" in err

