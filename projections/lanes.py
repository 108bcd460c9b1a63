"""Swimlanes of a board without building its cards: which items each lane's columns hold (in
board order, each item once per lane, marked where the lane's unit only supports it), so a
page of each can be turned into cards and every lane and column counted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# The columns a lane index reads (ids and what places a card in a lane and a column); the
# units (JSON, slower to read) only when lanes or the filter go by unit.
INDEX_COLUMNS = ("id", "status", "owner", "phase", "lead_unit")
UNIT_COLUMNS = ("units", "co_leads")
LANE_KINDS = ("owner", "unit", "phase")


@dataclass
class LaneIndex:
    """One lane's items per column, in board order: (item id, whether the lane only supports)."""

    key: str
    columns: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """The lane's items over all its columns."""
        return sum(len(ids) for ids in self.columns.values())

    def count(self, status: str) -> int:
        """How many items one of the lane's columns holds."""
        return len(self.columns.get(status, ()))


def lanes_of(row: Mapping[str, Any], by: str) -> list[tuple[str, bool]]:
    """The lanes an item belongs to: (lane key, supporting only), each lane once."""
    if by == "unit":
        leads = [row["lead_unit"], *(row.get("co_leads") or [])]
        out = dict.fromkeys(leads, False)
        for unit in row.get("units") or []:
            out.setdefault(unit, True)
        return list(out.items())
    if by in LANE_KINDS:
        value = row.get(by)
        return [(value, False)] if value else []
    return [("", False)]


def index(rows: Iterable[Mapping[str, Any]], by: str = "") -> dict[str, LaneIndex]:
    """Every lane that holds an item (``by``: owner, unit or phase; empty: one lane "")."""
    lanes: dict[str, LaneIndex] = {}
    for row in rows:
        for key, supporting in lanes_of(row, by):
            lane = lanes.get(key) or lanes.setdefault(key, LaneIndex(key))
            lane.columns.setdefault(str(row["status"]), []).append((str(row["id"]), supporting))
    return lanes
