"""The board as the templates see it: lanes of columns of cards, a page of each at a time.

One index of the matching items (ids, statuses and what places them in lanes) counts every
lane and column; only the cards on the page shown are built."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import url_for

from projections.lanes import LaneIndex, index
from tracker.domain.status import STATUSES
from web.board.filters import PAGE, BoardFilters
from web.items.ui import COLUMNS, actor
from web.services import services

Card = dict[str, Any]
LANE_PAGE = 5  # cards per column in a swimlane before its "more" control
LANES_PAGE = 10  # swimlanes per page of a grouped board


@dataclass
class Column:
    """One status column: a page of cards, how many it holds and where the next page is."""

    status: str
    cards: list[Card]
    more_url: str | None = None
    total: int = 0
    shown: int = 0

    @property
    def remaining(self) -> int:
        """Cards after the ones shown so far."""
        return max(0, self.total - self.shown)


@dataclass
class Lane:
    """A swimlane: one owner, unit or phase (or the whole board when there are no lanes)."""

    key: str
    title: str
    columns: list[Column] = field(default_factory=list)
    total: int = 0


@dataclass
class Board:
    """The lanes of one page of a board, the column totals and where more lanes come from."""

    lanes: list[Lane]
    totals: list[tuple[str, int]]
    lanes_total: int = 1
    more_lanes_url: str | None = None


class CardSource:
    """The matching items of one plan and filter state, indexed once per request (live from
    SQL, or from one replay for as-of), and their cards a page at a time."""

    def __init__(self, plan_key: str, filters: BoardFilters) -> None:
        self.plan_key = plan_key
        self.filters = filters
        self._past: dict[str, Card] | None = None
        self._index: dict[str, LaneIndex] | None = None

    def queue_args(self) -> dict[str, Any]:
        """The filter of the queue asked for (待我处理), for the signed-in person."""
        if not self.filters.queue:
            return {}
        from web.board.queue import queue_query  # the queue module registers routes on bp

        wanted = queue_query(actor(), self.filters.queue)
        wanted.pop("status", None)  # the column decides the status
        return wanted

    def index(self) -> dict[str, LaneIndex]:
        """Each lane (of the kind the filters ask for) with the ids its columns hold."""
        if self._index is None:
            queries = services().queries
            by = self.filters.lane
            if self.filters.as_of is None:
                self._index = queries.lane_index(
                    self.plan_key, by, include_cancelled=self.filters.cancelled,
                    **{**self.filters.query(), **self.queue_args()})
            else:  # the past view's cards, replayed once per request
                view = queries.past(self.filters.as_of, self.filters.basis or None,
                                    self.plan_key)
                cards = queries.board(self.plan_key, include_cancelled=True, as_of=view,
                                      **self.filters.query())
                self._past = {c["id"]: c for c in cards}
                self._index = index(cards, by)
            chosen = getattr(self.filters, by) if by else ""
            if chosen:  # a lane's own filter: that lane only
                self._index = {k: v for k, v in self._index.items() if k == chosen}
        return self._index

    def cards(self, ids: list[str]) -> dict[str, Card]:
        """The cards with these ids."""
        if self.filters.as_of is None:
            return services().queries.cards(ids)
        assert self._past is not None  # index() replayed the past first
        return self._past

    def lane_args(self, key: str) -> dict[str, str]:
        """The URL arguments that select a lane (none without lanes)."""
        return {self.filters.lane: key} if self.filters.lane else {}

    def slices(self, lane: LaneIndex, statuses: tuple[str, ...], offset: int = 0
               ) -> dict[str, list[tuple[str, bool]]]:
        """One page of each column of a lane: (id, supporting only)."""
        size = LANE_PAGE if self.filters.lane else PAGE
        return {s: lane.columns.get(s, [])[offset:offset + size] for s in statuses}

    def column(self, status: str, lane_key: str, offset: int = 0,
               cards: dict[str, Card] | None = None) -> Column:
        """One column's page of a lane, with the URL that loads the next one when there is
        more (a card only supporting a unit's lane is marked so)."""
        lane = self.index().get(lane_key, LaneIndex(lane_key))
        page = self.slices(lane, (status,), offset)[status]
        if cards is None:
            cards = self.cards([i for i, _ in page])
        shown = [{**cards[i], "supporting": supporting} for i, supporting in page if i in cards]
        total = lane.count(status)
        more_url = None
        if offset + len(page) < total:
            args: dict[str, Any] = {**self.filters.args(), **self.lane_args(lane_key),
                                    "offset": offset + len(page)}
            more_url = url_for("board.column", plan_key=self.plan_key, status=status, **args)
        return Column(status, shown, more_url, total, offset + len(page))

    def totals(self, statuses: tuple[str, ...]) -> list[tuple[str, int]]:
        """Distinct cards per status over every lane (a card in two lanes counts once)."""
        lanes = self.index().values()
        return [(s, len({i for lane in lanes for i, _ in lane.columns.get(s, [])}))
                for s in statuses]


def lane_titles(plan: dict[str, Any], by: str) -> list[tuple[str, str]]:
    """The possible lanes of a kind, in the order shown: (key, title)."""
    queries = services().queries
    if by == "owner":
        return [(p["key"], p["name"]) for p in queries.people()]
    if by == "unit":
        return [(u["key"], u["name"]) for u in queries.unit_list()]
    if by == "phase":
        return [(p["key"], p["title"]) for p in plan["phases"]]
    return [("", "")]


def statuses_shown(filters: BoardFilters) -> tuple[str, ...]:
    """The board's columns (Cancelled too when asked for)."""
    return tuple(str(s) for s in (STATUSES if filters.cancelled else COLUMNS))


def build_board(plan: dict[str, Any], filters: BoardFilters, lane_offset: int = 0) -> Board:
    """One page of lanes with a page of cards per column; lanes without a card are left out
    (the board without lanes always has its one lane)."""
    source = CardSource(plan["key"], filters)
    statuses = statuses_shown(filters)
    found = source.index()
    titles = lane_titles(plan, filters.lane)
    known = {k for k, _ in titles}
    order = [(k, t) for k, t in titles if not filters.lane or k in found]
    order += [(k, k) for k in found if k not in known]  # a key the directory lacks
    page = order[lane_offset:lane_offset + LANES_PAGE]
    wanted = [i for key, _ in page if key in found
              for ids in source.slices(found[key], statuses).values() for i, _ in ids]
    cards = source.cards(wanted)
    lanes = [Lane(key, title, [source.column(s, key, 0, cards) for s in statuses],
                  found[key].total if key in found else 0) for key, title in page]
    more = None
    if lane_offset + len(page) < len(order):
        more = url_for("board.lanes", plan_key=plan["key"], **filters.args(),
                       lane_offset=lane_offset + len(page))
    return Board(lanes, source.totals(statuses), len(order), more)
