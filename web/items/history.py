"""An item's timeline as the parts of its page ask for it: the whole page reads it once; the
answer to a command reads only what it shows (the entries after the version the form was
rendered at, the latest change for the undo control, the evidence), each by a query of its own
that the database answers from the item's index."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from tracker.domain import WorkItem
from tracker.domain.lifecycle import EVENTS
from web.services import services

Row = dict[str, Any]
# Events that neither restore nor block undoing the change before them (comments, chases,
# evidence, edits): the undo control looks past them.
NEUTRAL = frozenset(cls.__name__ for cls, info in EVENTS.items() if info.neutral)
# The entries that evidence comes from (web.audit.evidence_panel).
EVIDENCE_EVENTS = frozenset(e.__name__ for e in (
    WorkItem.EvidenceAttached, WorkItem.EvidenceLinked, WorkItem.CompletionSubmitted))


class ItemHistory:
    """One item's timeline entries, read when first asked for and kept for the request."""

    def __init__(self, item_id: str, entries: list[Row] | None = None) -> None:
        self.item_id = item_id
        self._entries = entries
        self._after: dict[int, list[Row]] = {}
        self._typed: dict[frozenset[str], list[Row]] = {}

    @property
    def entries(self) -> list[Row]:
        """Every entry, oldest first."""
        if self._entries is None:
            self._entries = services().queries.history(self.item_id)
        return self._entries

    def after(self, version: int, also: Collection[str] | None = None) -> list[Row]:
        """The entries recorded after the given version of the item (``also``: read the
        entries of these event types in the same query, for of_types)."""
        if self._entries is not None:
            return [e for e in self._entries if e["version"] > version]
        if version not in self._after:
            rows = services().queries.history(self.item_id, after=version, also=also)
            self._after[version] = [e for e in rows if e["version"] > version]
            if also is not None:
                wanted = frozenset(also)
                self._typed[wanted] = [e for e in rows if e["event_type"] in wanted]
        return self._after[version]

    def latest_change(self) -> Row | None:
        """The latest entry that is not neutral to undo (None: only neutral ones, or none)."""
        known = self._entries if self._entries is not None else next(
            (tail for tail in self._after.values()), None)
        found = next((e for e in reversed(known or []) if e["event_type"] not in NEUTRAL), None)
        if found is not None or self._entries is not None:
            return found
        latest = services().queries.history(self.item_id, besides=NEUTRAL, last=True)
        return latest[0] if latest else None

    def of_types(self, types: Collection[str]) -> list[Row]:
        """The entries of these event types, oldest first."""
        wanted = frozenset(types)
        if self._entries is not None:
            return [e for e in self._entries if e["event_type"] in wanted]
        if wanted not in self._typed:
            self._typed[wanted] = services().queries.history(self.item_id, types=wanted)
        return self._typed[wanted]
