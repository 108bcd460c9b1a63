"""Backup carries the evidence files (FILE.evidence.tar); restore puts them into the new
instance and verifies them; a damaged or missing archive is refused before anything is written."""

from __future__ import annotations

import io
import tarfile
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from test_backup import event_rows, second_database  # noqa: F401  (a fixture)

from tracker.application import TrackerApplication
from tracker.backup import evidence_archive
from tracker.cli import main
from tracker.evidence import EvidenceStore
from tracker.permissions import SYSTEM, Actor
from tracker.storage import parse_database_url

PDF = b"%PDF-1.4\n minutes \n%%EOF\n"
TXT = b"attendance: 12"


def run(instance: Path, db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--instance", str(instance), "--db", db, *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def backup(tmp_path: Path, database_url: str) -> Path:
    """A store with two evidence files (both uploaded, one cited by the completion), backed up."""
    folder = tmp_path / "a" / "evidence"
    files = EvidenceStore(folder)
    app = TrackerApplication(env=parse_database_url(database_url).es_env,
                             timezone=ZoneInfo("UTC"))
    try:
        app.create_plan(SYSTEM, key="p", title="Plan", starts=date(2012, 1, 1),
                        ends=date(2012, 12, 31), goals=[], phases=[])
        app.add_person(SYSTEM, "owner", "Owner", "member")
        app.add_unit(SYSTEM, "u1", "Unit")
        item = app.create_item(SYSTEM, "p", title="Item", owner="owner", lead_unit="u1",
                               due=date(2012, 6, 30)).id
        pdf = files.prepare("minutes.pdf", PDF)
        app.attach_evidence(Actor("owner", "member"), item, pdf,
                            store=lambda: files.write(pdf.sha256, PDF))
        txt = files.prepare("attendance.txt", TXT)  # attached, then cited by the completion
        app.attach_evidence(Actor("owner", "member"), item, txt,
                            store=lambda: files.write(txt.sha256, TXT))
        app.execute(item, "submit", Actor("owner", "member"), outcome="held",
                    evidence=[txt.reference])
    finally:
        app.close()
    files.put("orphan.txt", b"never recorded")  # not referenced by any event: not backed up
    file = tmp_path / "backup.jsonl"
    code, out, err = run(tmp_path / "a", database_url, "backup", str(file))
    assert code == 0, err
    assert f"2 evidence files saved to {evidence_archive(file)}" in out
    return file


def test_restore_brings_back_the_evidence_files_and_verifies_them(
        tmp_path: Path, second_database: str, backup: Path) -> None:  # noqa: F811
    code, out, err = run(tmp_path / "b", second_database, "restore", str(backup))
    assert code == 0, err
    assert "2 evidence files restored" in out and "all verified" in out
    restored = sorted(p.read_bytes() for p in (tmp_path / "b" / "evidence").rglob("*")
                      if p.is_file())
    assert restored == sorted([PDF, TXT])
    code, out, _ = run(tmp_path / "b", second_database, "evidence", "verify")
    assert code == 0 and out.startswith("OK: 3 recorded files (2 distinct)")


def _rewrite(archive: Path, change: bytes | None) -> None:
    """Replace the archive's first member's content (or drop it when change is None)."""
    with tarfile.open(archive) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar]  # type: ignore[union-attr]
    with tarfile.open(archive, "w") as tar:
        for i, (member, data) in enumerate(members):
            if i == 0 and change is None:
                continue
            body = change if i == 0 and change is not None else data
            member.size = len(body)
            tar.addfile(member, io.BytesIO(body))


@pytest.mark.parametrize("damage", ["changed", "dropped", "missing"])
def test_a_damaged_or_missing_archive_is_refused_and_nothing_restored(
        tmp_path: Path, second_database: str, backup: Path, damage: str) -> None:  # noqa: F811
    archive = evidence_archive(backup)
    if damage == "missing":
        archive.unlink()
    else:
        _rewrite(archive, b"tampered" if damage == "changed" else None)
    code, _, err = run(tmp_path / "b", second_database, "restore", str(backup))
    assert code == 2 and "Nothing was restored" in err
    assert event_rows(tmp_path, second_database) == []
    assert not (tmp_path / "b" / "evidence").exists()
    if damage != "changed":
        code, out, err = run(tmp_path / "b", second_database, "restore", str(backup),
                             "--allow-missing-evidence")
        lost = 3 if damage == "missing" else 1  # the cited file is recorded twice
        assert code == 1 and f"{lost} recorded files do not verify" in out and "missing" in err


def test_a_backup_names_a_file_it_could_not_include(
        tmp_path: Path, database_url: str, backup: Path) -> None:
    folder = tmp_path / "a" / "evidence"
    target = next(p for p in folder.rglob("*") if p.is_file() and p.read_bytes() == TXT)
    target.write_bytes(b"attendance: 20")
    code, out, err = run(tmp_path / "a", database_url, "backup", str(tmp_path / "again.jsonl"))
    assert code == 1 and "1 evidence files saved" in out
    assert f"{target.name} is changed on disk after upload" in err
