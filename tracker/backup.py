"""Backup and restore of the whole event store as a hash-chained JSON Lines file, and of the
evidence files the events record as a tar next to it (``FILE.evidence.tar``).

Line 1 is a header record (seq 0); then one record per stored event in notification order
(seq = notification id, originator id and version, topic, the state as base64, and the hash
the event has in a full audit export); the file ends with the chain head, so
``tracker audit verify`` checks a backup as it checks an audit export.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, StoredEvent

from tracker import evidence as ev
from tracker.auditchain import ChainWriter, verify_file

FORMAT = "tracker-backup/1"
BATCH = 500
EVENT_FIELDS = {"seq", "originator_id", "originator_version", "topic", "state", "audit_hash",
                "prev_hash", "hash"}


class BackupError(Exception):
    """A backup file cannot be written or restored (damaged, wrong kind, store not empty)."""


@dataclass(frozen=True)
class BackupInfo:
    """What a checked backup holds: events, last seq, its own chain head and the audit head."""

    events: int
    last_seq: int | None
    chain_head: str
    audit_head: str | None


def event_records(recorder: ApplicationRecorder, stop: int,
                  audit_hashes: Iterable[tuple[int, str]] = ()) -> Iterator[dict[str, Any]]:
    """Every stored event up to notification id `stop`, as backup records."""
    hashes = iter(audit_hashes)
    pending = next(hashes, None)
    start = 0
    while True:
        batch = recorder.select_notifications(start, BATCH, stop=stop, inclusive_of_start=False)
        for n in batch:
            while pending is not None and pending[0] < n.id:
                pending = next(hashes, None)
            audit_hash = pending[1] if pending is not None and pending[0] == n.id else None
            yield {"seq": n.id, "originator_id": str(n.originator_id),
                   "originator_version": n.originator_version, "topic": n.topic,
                   "state": base64.b64encode(n.state).decode("ascii"), "audit_hash": audit_hash}
        if len(batch) < BATCH:
            return
        start = batch[-1].id


def write_backup(fp: TextIO, records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Write the header, the chained event records and the chain head; return the head line."""
    writer = ChainWriter(fp)
    writer.write({"seq": 0, "format": FORMAT})
    for record in records:
        writer.write(record)
    return writer.close()


def _problem(line: int, message: str) -> BackupError:
    return BackupError(f"line {line}: {message}")


def _stored_event(record: dict[str, Any], line: int) -> StoredEvent:
    if set(record) != EVENT_FIELDS:
        raise _problem(line, "is not an event record of a backup")
    try:
        state = base64.b64decode(record["state"], validate=True)
        originator = UUID(record["originator_id"])
    except (binascii.Error, ValueError, TypeError, AttributeError):
        raise _problem(line, "has a malformed state or originator id") from None
    version, topic = record["originator_version"], record["topic"]
    if not isinstance(version, int) or not isinstance(topic, str) or ":" not in topic:
        raise _problem(line, "has a malformed version or topic")
    return StoredEvent(originator_id=originator, originator_version=version, topic=topic,
                       state=state)


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """The event records of a backup (after its header, before its chain head)."""
    with path.open("rb") as fp:
        for line, raw in enumerate(fp, 1):
            obj = json.loads(raw)
            if line == 1:
                if obj.get("format") != FORMAT or obj.get("seq") != 0:
                    raise _problem(1, f"this is not a {FORMAT} file")
                continue
            if "chain_head" in obj:
                return
            yield line, obj


def check_backup(path: Path) -> BackupInfo:
    """Verify the chain and every record of a backup file before anything is written."""
    try:
        result = verify_file(path)
    except OSError as e:
        raise BackupError(f"Cannot read {path}: {e.strerror}") from None
    if not result.ok:
        raise BackupError(f"The backup is damaged: {result.message}")
    events, last, audit_head = 0, None, None
    for line, record in _records(path):
        _stored_event(record, line)
        events, last, audit_head = events + 1, record["seq"], record["audit_hash"]
    assert result.head is not None
    return BackupInfo(events, last, result.head, audit_head)


def read_events(path: Path) -> Iterator[tuple[int, StoredEvent]]:
    """(seq, stored event) for each event of a checked backup, in order."""
    for line, record in _records(path):
        yield record["seq"], _stored_event(record, line)


def restore_events(recorder: ApplicationRecorder, path: Path,
                   skip_to: Callable[[int], None] | None = None) -> int:
    """Insert a checked backup's events in order, in batches; the number inserted.

    Notification ids are kept: before a run of events that follows a gap, ``skip_to(seq)``
    makes the store's next id equal seq (where the database allows it).
    """
    if recorder.max_notification_id():
        raise BackupError("The event store is not empty; restore only into an empty store.")
    count, expected = 0, 1
    batch: list[StoredEvent] = []
    for seq, stored in read_events(path):
        if seq != expected:
            count += _flush(recorder, batch)
            batch = []
            if skip_to is not None:
                skip_to(seq)
        batch.append(stored)
        expected = seq + 1
        if len(batch) >= BATCH:
            count += _flush(recorder, batch)
            batch = []
    return count + _flush(recorder, batch)


def _flush(recorder: ApplicationRecorder, batch: list[StoredEvent]) -> int:
    if batch:
        recorder.insert_events(batch)
    return len(batch)


MEMBER = re.compile(r"([0-9a-f]{2})/([0-9a-f]{64})")
CHUNK = 1024 * 1024


def evidence_archive(backup: Path) -> Path:
    """Where the evidence files of a backup go: ``FILE.evidence.tar`` beside it."""
    return backup.with_name(backup.name + ".evidence.tar")


def write_evidence(archive: Path, store: ev.EvidenceStore, hashes: Iterable[str]
                   ) -> tuple[int, list[ev.FileCheck]]:
    """Write every intact recorded file to the archive (atomically); the files left out."""
    partial = archive.with_name(archive.name + ".partial")
    count, left_out = 0, []
    try:
        with tarfile.open(partial, "w") as tar:
            for sha in sorted(set(hashes)):
                check = ev.verify_file(store.path(sha), sha, sha)
                if not check.ok:
                    left_out.append(check)
                    continue
                tar.add(store.path(sha), arcname=f"{sha[:2]}/{sha}", recursive=False)
                count += 1
        os.replace(partial, archive)
    finally:
        partial.unlink(missing_ok=True)
    return count, left_out


def _members(tar: tarfile.TarFile) -> Iterator[tuple[tarfile.TarInfo, str]]:
    for member in tar:
        match = MEMBER.fullmatch(member.name)
        if not member.isfile() or match is None or match.group(1) != match.group(2)[:2]:
            raise BackupError(f"The evidence archive holds an unexpected entry {member.name!r}.")
        yield member, match.group(2)


def _copy_checked(tar: tarfile.TarFile, member: tarfile.TarInfo, sha: str,
                  folder: Path | None) -> None:
    """Hash a member (writing it into folder when given); refuse it if the hash differs."""
    source = tar.extractfile(member)
    assert source is not None
    digest, tmp = hashlib.sha256(), None
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".restore-")
    try:
        with os.fdopen(fd, "wb") if tmp is not None else open(os.devnull, "wb") as out:
            while block := source.read(CHUNK):
                digest.update(block)
                out.write(block)
        if digest.hexdigest() != sha:
            raise BackupError(f"The evidence archive is damaged: {member.name} does not match "
                              "its SHA-256.")
        if tmp is not None:
            os.replace(tmp, Path(tmp).parent / sha)
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def check_evidence(archive: Path) -> set[str]:
    """The hashes an evidence archive holds, each checked against its content."""
    try:
        with tarfile.open(archive, "r:") as tar:
            found = set()
            for member, sha in _members(tar):
                _copy_checked(tar, member, sha, None)
                found.add(sha)
            return found
    except (OSError, tarfile.TarError) as e:
        raise BackupError(f"Cannot read the evidence archive {archive}: {e}") from None


def restore_evidence(archive: Path, store: ev.EvidenceStore) -> int:
    """Copy a checked archive's files into the store (a file already intact there is kept)."""
    count = 0
    with tarfile.open(archive, "r:") as tar:
        for member, sha in _members(tar):
            if not ev.verify_file(store.path(sha), sha, sha).ok:
                _copy_checked(tar, member, sha, store.path(sha).parent)
            count += 1
    return count
