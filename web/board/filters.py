"""The board's filter state, read from and written back to the URL's query string."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from projections.lights import LIGHTS
from tracker.asof import BASES
from tracker.domain.fields import parse_date
from tracker.errors import ValidationError
from web.extensions import ReasonedBadRequest
from web.labels import field_label

LANES = ("owner", "unit", "phase")
# web.board.queue's queues: my decisions, notices, escalated to me, my items needing action
QUEUES = ("decide", "notices", "escalated", "mine")
PAGE = 25


@dataclass(frozen=True)
class BoardFilters:
    """What the user narrowed the board to; everything lives in the URL so it can be shared."""

    owner: str = ""
    unit: str = ""
    phase: str = ""
    goal: str = ""
    light: str = ""
    q: str = ""
    lane: str = ""
    cancelled: bool = False
    queue: str = ""
    as_of: date | None = None
    basis: str = ""

    @classmethod
    def from_args(cls, args: MultiDict[str, str]) -> BoardFilters:
        """Read the query string; unknown values are dropped, a bad date is a 400."""
        text = {f: (args.get(f) or "").strip()[:200] for f in ("owner", "unit", "phase", "goal",
                                                                 "q")}
        light = args.get("light", "")
        lane = args.get("lane", "")
        queue = args.get("queue", "")
        try:
            day = parse_date(args.get("as_of"), "as_of")
        except ValidationError:
            raise ReasonedBadRequest(gettext("%(field)s must be a date like 2012-06-30.",
                                     field=field_label("as_of"))) from None
        return cls(**text, light=light if light in LIGHTS else "",
                   lane=lane if lane in LANES else "",
                   cancelled=args.get("cancelled") in ("1", "on", "true"),  # not a status
                   queue=queue if queue in QUEUES else "",
                   as_of=day, basis=args.get("basis", "") if args.get("basis") in BASES else "")

    @classmethod
    def from_url(cls, url: str | None) -> BoardFilters:
        """The filters of the board the browser shows (from htmx's HX-Current-URL)."""
        if not url:
            return cls()
        query = parse_qs(urlsplit(url).query)
        return cls.from_args(MultiDict([(k, v) for k, vs in query.items() for v in vs]))

    def args(self) -> dict[str, Any]:
        """The non-empty filters as query arguments (for url_for)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value:
                out[f.name] = "1" if value is True else str(value)
        return out

    def live(self) -> BoardFilters:
        """The same filters on today's board."""
        return replace(self, as_of=None, basis="")

    def query(self, **lane: str) -> dict[str, Any]:
        """Keyword arguments for Queries.board (a lane's own filter wins)."""
        wanted = {"owner": self.owner, "unit": self.unit, "phase": self.phase, "goal": self.goal,
                  "light": self.light, "q": self.q, **lane}
        return {k: v for k, v in wanted.items() if v}

    def instant(self, tz: ZoneInfo) -> datetime | None:
        """The end of the as-of day in the tracker's time zone."""
        if self.as_of is None:
            return None
        return datetime.combine(self.as_of, time.max, tzinfo=tz)
