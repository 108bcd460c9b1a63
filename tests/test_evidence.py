"""Evidence files: refused over the limit or of a refused type with nothing stored; stored by
SHA-256; the hash goes into the completion event; a file changed on disk is reported."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.application import TrackerApplication
from tracker.cli import main
from tracker.errors import ConflictError, IllegalStateError, PermissionDeniedError, ValidationError
from tracker.evidence import EvidenceFile, EvidenceStore
from tracker.permissions import SYSTEM, Actor

PDF = b"%PDF-1.4\n minutes of the branch meeting \n%%EOF\n"
OWNER = Actor("owner", "member")


@pytest.fixture
def files(tmp_path: Path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "evidence", max_bytes=1024)


def stored(store: EvidenceStore) -> list[Path]:
    return [p for p in store.folder.rglob("*") if p.is_file()] if store.folder.exists() else []


def test_a_file_is_stored_under_its_sha256(files: EvidenceStore) -> None:
    ev = files.put("会议纪要.pdf", PDF)
    assert ev.sha256 == hashlib.sha256(PDF).hexdigest()
    assert files.path(ev.sha256).read_bytes() == PDF
    assert ev.reference == f"sha256:{ev.sha256} 会议纪要.pdf"
    assert files.put("copy.pdf", PDF).sha256 == ev.sha256 and len(stored(files)) == 1


@pytest.mark.parametrize(("name", "data", "message"), [
    ("big.pdf", b"%PDF-" + b"x" * 2000, "larger than"),
    ("script.exe", b"MZ...", "not accepted"),
    ("page.html", b"<script>", "not accepted"),
    ("fake.pdf", b"<html>not a pdf", "does not match"),
    ("empty.txt", b"", "empty"),
])
def test_a_refused_file_is_refused_with_a_message_and_nothing_stored(
        files: EvidenceStore, name: str, data: bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        files.put(name, data)
    assert stored(files) == []


def test_verification_reports_a_file_changed_on_disk_after_upload(files: EvidenceStore) -> None:
    good = files.put("a.pdf", PDF)
    bad = files.put("b.txt", b"signed attendance list")
    files.path(bad.sha256).write_bytes(b"signed attendance list, edited")
    gone = files.put("c.txt", b"photo caption")
    files.path(gone.sha256).unlink()
    checks = {c.name: c for c in files.verify([good.reference, bad.reference, gone.reference])}
    assert checks["a.pdf"].ok
    assert (checks["b.txt"].ok, checks["b.txt"].problem) == (False, "changed on disk after upload")
    assert (checks["c.txt"].ok, checks["c.txt"].problem) == (False, "missing")


def test_the_hash_is_recorded_in_the_completion_event(
        app: TrackerApplication, files: EvidenceStore) -> None:
    app.create_plan(SYSTEM, key="p", title="Plan", starts=date(2012, 1, 1),
                    ends=date(2012, 12, 31), goals=[], phases=[])
    app.add_person(SYSTEM, "owner", "Owner", "member")
    app.add_unit(SYSTEM, "u1", "Unit")
    item = app.create_item(SYSTEM, "p", title="Item", owner="owner", lead_unit="u1",
                           due=date(2012, 6, 30)).id
    ev = _attach(app, files, str(item), "minutes.pdf", PDF)  # only an attached file is cited
    app.execute(item, "submit", OWNER, outcome="held", evidence=[ev.reference])
    assert app.get_item(item).completion["evidence"] == [ev.reference]  # type: ignore[index]
    assert all(c.ok for c in files.verify(app.get_item(item).completion["evidence"]))  # type: ignore[index]


def _seeded_item(app: TrackerApplication) -> str:
    app.create_plan(SYSTEM, key="p", title="Plan", starts=date(2012, 1, 1),
                    ends=date(2012, 12, 31), goals=[], phases=[])
    app.add_person(SYSTEM, "owner", "Owner", "member")
    app.add_unit(SYSTEM, "u1", "Unit")
    return str(app.create_item(SYSTEM, "p", title="Item", owner="owner", lead_unit="u1",
                               due=date(2012, 6, 30)).id)


def _attach(app: TrackerApplication, files: EvidenceStore, item: str, name: str,
            data: bytes) -> EvidenceFile:
    file = files.prepare(name, data)
    app.attach_evidence(OWNER, item, file, store=lambda: files.write(file.sha256, data))
    return file


def test_a_refused_attachment_writes_neither_event_nor_file(
        app: TrackerApplication, files: EvidenceStore) -> None:
    item = _seeded_item(app)
    head = app.recorder.max_notification_id() or 0
    file = files.prepare("a.pdf", PDF)
    write = lambda: files.write(file.sha256, PDF)  # noqa: E731
    with pytest.raises(PermissionDeniedError):
        app.attach_evidence(Actor("watcher", "viewer"), item, file, store=write)
    with pytest.raises(ConflictError):
        app.attach_evidence(OWNER, item, file, expected_version=7, store=write)
    app.execute(item, "cancel", SYSTEM, reason="not needed")
    with pytest.raises(IllegalStateError):
        app.attach_evidence(OWNER, item, file, store=write)
    assert app.recorder.max_notification_id() == head + 1  # only the cancellation
    assert stored(files) == []


def cli(tmp_path: Path, db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--instance", str(tmp_path / "inst"), "--db", db, *args])
    return result.exit_code, result.stdout, result.stderr


def test_evidence_verify_reports_a_file_changed_on_disk_after_upload(
        app: TrackerApplication, database_url: str, tmp_path: Path) -> None:
    files = EvidenceStore(tmp_path / "inst" / "evidence")
    item = _seeded_item(app)
    _attach(app, files, item, "minutes.pdf", PDF)
    changed = _attach(app, files, item, "attendance.txt", b"12 present")
    linked = _attach(app, files, item, "photo.png", b"\x89PNG\r\n\x1a\n...")
    app.execute(item, "submit", OWNER, outcome="held", evidence=[linked.reference, "a link"])
    code, out, _ = cli(tmp_path, database_url, "evidence", "verify")
    assert (code, out.strip()) == (0, "OK: 4 recorded files (3 distinct) match their hashes.")
    files.path(changed.sha256).write_bytes(b"20 present")
    files.path(linked.sha256).unlink()
    code, out, err = cli(tmp_path, database_url, "evidence", "verify", "--item", item)
    assert code == 1 and "3 of 4 recorded files do not match" in err
    assert f"changed on disk after upload: item {item}, attendance.txt" in out
    assert f"missing: item {item}, photo.png" in out and "minutes.pdf" not in out
    code, _, err = cli(tmp_path, database_url, "evidence", "verify", "--item", "nonsense")
    assert code == 2 and "no item" in err


def test_a_completion_cannot_cite_a_stored_file_not_attached_to_the_item(
        app: TrackerApplication, files: EvidenceStore) -> None:
    item = _seeded_item(app)
    stray = files.put("minutes.pdf", PDF)  # stored (say, by another item), not attached here
    with pytest.raises(ValidationError):
        app.execute(item, "submit", OWNER, outcome="held", evidence=[stray.reference])
    attached = _attach(app, files, item, "minutes.pdf", PDF)
    with pytest.raises(ValidationError):  # attached, but cited under another name
        app.execute(item, "submit", OWNER, outcome="held",
                    evidence=[f"sha256:{attached.sha256} other.pdf"])
    app.execute(item, "submit", OWNER, outcome="held", evidence=[attached.reference])


def test_a_name_loses_its_folders_and_control_characters(files: EvidenceStore) -> None:
    assert files.put("..\\evil/a\r\nb.txt", b"text").name == "ab.txt"
