"""Uploaded files kept between the preview and the confirmation, named by their SHA-256."""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

KEEP_SECONDS = 24 * 3600
_SHA256 = re.compile(r"[0-9a-f]{64}")


class Uploads:
    """A folder of uploads awaiting confirmation; old ones are removed as new ones arrive."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def keep(self, data: bytes) -> str:
        """Store the bytes once; return their SHA-256."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._expire()
        digest = hashlib.sha256(data).hexdigest()
        path = self.folder / digest
        if not path.exists():
            tmp = path.with_suffix(".part")
            tmp.write_bytes(data)
            tmp.replace(path)
        return digest

    def read(self, digest: str) -> bytes | None:
        """The bytes kept under this digest, or None (unknown, expired or malformed)."""
        if not _SHA256.fullmatch(digest or ""):
            return None
        try:
            data = (self.folder / digest).read_bytes()
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == digest else None

    def forget(self, digest: str) -> None:
        """Remove an upload once it was imported."""
        if _SHA256.fullmatch(digest or ""):
            (self.folder / digest).unlink(missing_ok=True)

    def _expire(self) -> None:
        cutoff = time.time() - KEEP_SECONDS
        for path in self.folder.iterdir():
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
            except OSError:
                continue
