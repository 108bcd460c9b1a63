"""Evidence files: checked (size, type), stored content-addressed by SHA-256, verified later.

An item's event records a file as the reference ``sha256:<hex> <name>`` (for example in a
completion's evidence list), so the audit chain covers the file's content.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from tracker.errors import N_, ValidationError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Extension → media type; the content must also start with the type's signature, if it has one.
ALLOWED = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg",
           ".jpeg": "image/jpeg", ".txt": "text/plain", ".csv": "text/csv",
           ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
SIGNATURES = {".pdf": (b"%PDF-",), ".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",),
              ".jpeg": (b"\xff\xd8\xff",), ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",)}
REFERENCE = re.compile(r"sha256:([0-9a-f]{64}) (.+)")


@dataclass(frozen=True)
class EvidenceFile:
    """A stored file: its hash, size, original name and media type."""

    sha256: str
    size: int
    name: str
    media_type: str

    @property
    def reference(self) -> str:
        """What an event records: ``sha256:<hex> <name>``."""
        return f"sha256:{self.sha256} {self.name}"


@dataclass(frozen=True)
class FileCheck:
    """The verification of one referenced file."""

    sha256: str
    name: str
    ok: bool
    problem: str | None = None


class EvidenceStore:
    """Files under a folder, each at ``<hash[:2]>/<hash>``, written once and never changed."""

    def __init__(self, folder: Path, max_bytes: int = DEFAULT_MAX_BYTES,
                 allowed: dict[str, str] | None = None) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self.allowed = ALLOWED if allowed is None else allowed

    def path(self, sha256: str) -> Path:
        """Where the file with this hash lives."""
        return self.folder / sha256[:2] / sha256

    def check(self, name: str, data: bytes) -> str:
        """The media type, or a ValidationError saying why the file is refused."""
        base = clean_name(name)
        ext = os.path.splitext(base)[1].lower()
        if not base or ext not in self.allowed:
            raise ValidationError(N_("Files of this type are not accepted (allowed: %(types)s)."),
                                  types=", ".join(sorted(self.allowed)))
        if len(data) > self.max_bytes:
            raise ValidationError(N_("The file is larger than %(mb)s MB."),
                                  mb=round(self.max_bytes / 1024 / 1024, 1))
        if not data:
            raise ValidationError(N_("The file is empty."))
        if ext in SIGNATURES and not data.startswith(SIGNATURES[ext]):
            raise ValidationError(N_("The file's content does not match its type %(ext)s."),
                                  ext=ext)
        return self.allowed[ext]

    def prepare(self, name: str, data: bytes) -> EvidenceFile:
        """Check a file and compute its hash without storing anything."""
        media_type = self.check(name, data)
        return EvidenceFile(hashlib.sha256(data).hexdigest(), len(data), clean_name(name),
                            media_type)

    def write(self, sha256: str, data: bytes) -> None:
        """Store checked content under its hash (atomically; an identical file is kept once)."""
        target = self.path(sha256)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fp:
                fp.write(data)
            os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)

    def put(self, name: str, data: bytes) -> EvidenceFile:
        """Check and store a file (atomically; an identical file is stored once)."""
        file = self.prepare(name, data)
        self.write(file.sha256, data)
        return file

    def verify(self, references: Iterable[str]) -> list[FileCheck]:
        """Check each referenced file against its hash; missing or changed files are named."""
        return [verify_file(self.path(sha), sha, name)
                for sha, name in parse_references(references)]


def clean_name(name: str) -> str:
    """The file's own name: no folders, no control characters, no surrounding blanks."""
    base = os.path.basename(name.replace("\\", "/"))
    return "".join(c for c in base if c.isprintable()).strip()


def parse_references(texts: Iterable[str]) -> list[tuple[str, str]]:
    """(hash, name) of every ``sha256:<hex> <name>`` among the texts."""
    return [(m.group(1), m.group(2)) for t in texts if (m := REFERENCE.fullmatch(t))]


def sha256_of(path: Path, chunk: int = 1024 * 1024) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fp:
        while block := fp.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def verify_file(path: Path, sha256: str, name: str) -> FileCheck:
    """Whether the file at path still has the hash recorded for it."""
    if not path.is_file():
        return FileCheck(sha256, name, False, "missing")
    if sha256_of(path) != sha256:
        return FileCheck(sha256, name, False, "changed on disk after upload")
    return FileCheck(sha256, name, True)


ATTACHED = "tracker.domain.item:WorkItem.EvidenceAttached"
SUBMITTED = "tracker.domain.item:WorkItem.CompletionSubmitted"
TOPICS = (ATTACHED, SUBMITTED)
BATCH = 500


@dataclass(frozen=True)
class Recorded:
    """A file an item's event records: which item, the hash and the name."""

    item_id: UUID
    sha256: str
    name: str


def references_in(mapper: Any, stored: Iterable[StoredEvent]) -> Iterator[Recorded]:
    """The files recorded by evidence and completion events among stored events."""
    for s in stored:
        if s.topic not in TOPICS:
            continue
        e = mapper.to_domain_event(s)
        if s.topic == ATTACHED:
            yield Recorded(e.originator_id, e.sha256, e.name)
        else:
            for sha, name in parse_references(e.evidence):
                yield Recorded(e.originator_id, sha, name)


def recorded_files(app: Any, item: UUID | None = None, stop: int | None = None
                   ) -> Iterator[Recorded]:
    """Every file the store's events record (one item's only, or up to notification `stop`)."""
    if item is not None:
        yield from references_in(app.mapper, app.recorder.select_events(item))
        return
    start = 0
    while True:
        batch = app.recorder.select_notifications(start, BATCH, stop=stop, topics=TOPICS,
                                                  inclusive_of_start=False)
        yield from references_in(app.mapper, batch)
        if len(batch) < BATCH:
            return
        start = batch[-1].id


def verify_recorded(store: EvidenceStore, files: Iterable[Recorded]
                    ) -> list[tuple[Recorded, FileCheck]]:
    """Each recorded file with its check (each distinct file is hashed once)."""
    checks: dict[str, FileCheck] = {}
    out = []
    for r in files:
        if r.sha256 not in checks:
            checks[r.sha256] = verify_file(store.path(r.sha256), r.sha256, r.name)
        out.append((r, checks[r.sha256]))
    return out
