"""The board as the templates see it: lanes of columns of cards, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import url_for

from tracker.domain.status import STATUSES
from web.board.filters import PAGE, BoardFilters
from web.items.ui import COLUMNS, actor
from web.services import services

Card = dict[str, Any]


@dataclass
class Column:
    """One status column: the first page of cards and where the next page comes from."""

    status: str
    cards: list[Card]
    more_url: str | None = None
    total: int = 0


@dataclass
class Lane:
    """A swimlane: one owner, unit or phase (or the whole board when there are no lanes)."""

    key: str
    title: str
    columns: list[Column] = field(default_factory=list)


def _in_lane(card: Card, lane: dict[str, str]) -> bool:
    for name, value in lane.items():
        if name == "unit":
            if card["lead_unit"] != value and value not in card["units"]:
                return False
        elif card.get(name) != value:
            return False
    return True


class CardSource:
    """Pages of cards for one plan and filter state (live from SQL, or one replay for as-of)."""

    def __init__(self, plan_key: str, filters: BoardFilters) -> None:
        self.plan_key = plan_key
        self.filters = filters
        self._all: list[Card] | None = None

    def count(self, status: str, lane: dict[str, str]) -> int:
        """How many cards the column holds in all (asked only when there is more than a page)."""
        if self.filters.as_of is not None:
            assert self._all is not None  # page() replayed the past first
            return sum(1 for c in self._all if c["status"] == status and _in_lane(c, lane))
        wanted = {**self.filters.query(**lane), **self.queue_args()}
        return len(services().queries.board(self.plan_key, status=status, **wanted))

    def page(self, status: str, lane: dict[str, str], offset: int) -> tuple[list[Card], bool]:
        """Up to PAGE cards of a column from offset, and whether there are more."""
        queries = services().queries
        if self.filters.as_of is None:
            wanted = {**self.filters.query(**lane), **self.queue_args()}
            cards = queries.board(self.plan_key, status=status, offset=offset, limit=PAGE + 1,
                                  **wanted)
            return cards[:PAGE], len(cards) > PAGE
        if self._all is None:  # the past view's cards, once per request
            view = queries.past(self.filters.as_of, self.filters.basis or None, self.plan_key)
            self._all = queries.board(self.plan_key, include_cancelled=True, as_of=view,
                                      **self.filters.query())
        matching = [c for c in self._all if c["status"] == status and _in_lane(c, lane)]
        return matching[offset:offset + PAGE], len(matching) > offset + PAGE

    def queue_args(self) -> dict[str, Any]:
        """The filter of the queue asked for (待我处理), for the signed-in person."""
        if not self.filters.queue:
            return {}
        from web.board.queue import queue_query  # the queue module registers routes on bp

        wanted = queue_query(actor(), self.filters.queue)
        wanted.pop("status", None)  # the column decides the status
        return wanted

    def column(self, status: str, lane: dict[str, str], offset: int = 0) -> Column:
        """One column's page, with the URL that loads the next one when there is more."""
        cards, more = self.page(status, lane, offset)
        more_url = None
        total = offset + len(cards)
        if more:
            total = self.count(status, lane)
            args: dict[str, Any] = {**self.filters.args(), **lane, "offset": offset + PAGE}
            more_url = url_for("board.column", plan_key=self.plan_key, status=status, **args)
        return Column(status, cards, more_url, total)


def lane_keys(plan: dict[str, Any], filters: BoardFilters) -> list[tuple[str, str, dict[str, str]]]:
    """The swimlanes asked for: (key, title, the filter that selects the lane's cards)."""
    queries = services().queries
    if filters.lane == "owner":
        options = [(p["key"], p["name"]) for p in queries.people()]
    elif filters.lane == "unit":
        options = [(u["key"], u["name"]) for u in queries.unit_list()]
    elif filters.lane == "phase":
        options = [(p["key"], p["title"]) for p in plan["phases"]]
    else:
        return [("", "", {})]
    chosen = getattr(filters, filters.lane)
    return [(key, title, {filters.lane: key}) for key, title in options
            if not chosen or key == chosen]


def column_totals(lanes: list[Lane]) -> list[tuple[str, int]]:
    """Cards per status over every lane (the phone's column tabs)."""
    totals: dict[str, int] = {}
    for lane in lanes:
        for col in lane.columns:
            totals[col.status] = totals.get(col.status, 0) + col.total
    return list(totals.items())


def build_lanes(plan: dict[str, Any], filters: BoardFilters) -> list[Lane]:
    """Every lane with its columns; lanes without any card are left out."""
    source = CardSource(plan["key"], filters)
    statuses = STATUSES if filters.cancelled else COLUMNS
    lanes = []
    for key, title, lane_filter in lane_keys(plan, filters):
        lane = Lane(key, title, [source.column(s, lane_filter) for s in statuses])
        if not key or any(c.cards for c in lane.columns):
            lanes.append(lane)
    return lanes
