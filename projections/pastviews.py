"""The past as a query: which day, in which meaning, built from which event, and the versioned
rows valid then (see projections.versions).

Two meanings, always labelled: "recorded" (what the tracker knew at the end of that day: the
events up to the last one recorded by then, the audit-true view) and "effect" (every fact known
now, each counted from the day it took effect: progress reported on, completion submitted on,
assessments dated).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from projections import tables as t
from projections.versions import BOARD_COLUMNS, OPEN_SEQ, board_versions

Row = dict[str, Any]
BASES = ("effect", "recorded")
EXTRA = ("fact_on", "entered_on", "completion_entered")


@dataclass(frozen=True)
class AsOf:
    """A past view: the day, its meaning, the instant it ends and the last event it counts."""

    day: date
    basis: str  # "effect" or "recorded"
    cutoff: datetime  # naive UTC: the end of the day (recorded), or the instant asked for
    seq: int  # the event sequence number the view is built from

    @property
    def recorded(self) -> bool:
        """True for "as recorded"."""
        return self.basis == "recorded"

    def label(self) -> Row:
        """What every as-of page and export says about itself."""
        return {"day": self.day, "basis": self.basis, "seq": self.seq}


def last_seq_at(conn: sa.Connection, cutoff: datetime) -> int:
    """The last event recorded at or before the instant: a binary search on the audit trail's
    sequence (recorded times grow with it), a few primary-key probes rather than a scan."""
    a = t.audit.c
    probe = sa.select(a.seq, a.at).where(a.seq <= sa.bindparam("x")).order_by(
        a.seq.desc()).limit(1)

    def last_upto(x: int) -> tuple[int, datetime] | None:
        row = conn.execute(probe, {"x": x}).first()
        return None if row is None else (int(row[0]), row[1])

    lo = conn.execute(sa.select(sa.func.min(a.seq))).scalar()
    hi = conn.execute(sa.select(sa.func.max(a.seq))).scalar()
    if lo is None or hi is None:
        return 0
    top = last_upto(hi)
    if top is not None and top[1] <= cutoff:
        return top[0]
    first = last_upto(lo)
    if first is None or first[1] > cutoff:
        return 0
    while hi - lo > 1:  # the event at or before lo is in, the one at or before hi is not
        mid = (lo + hi) // 2
        found = last_upto(mid)
        if found is not None and found[1] <= cutoff:
            lo = mid
        else:
            hi = mid
    found = last_upto(lo)
    return found[0] if found else 0


def head(conn: sa.Connection) -> int:
    """The last event the versioned rows have seen."""
    pos = conn.execute(sa.select(t.tracking.c.position).where(t.tracking.c.name == "versions"))
    return int(pos.scalar() or 0)


def naive_utc(moment: datetime) -> datetime:
    """An instant as naive UTC (a naive input is taken to be UTC already)."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def resolve(conn: sa.Connection, day: date, basis: str, cutoff: datetime) -> AsOf:
    """The as-of view of a day (cutoff: the instant that ends it, or the instant asked for)."""
    end = naive_utc(cutoff)
    seq = last_seq_at(conn, end) if basis == "recorded" else head(conn)
    return AsOf(day, basis, end, seq)


def _late(fraction: float) -> bool:
    return fraction > 0.5


def valid_rows(conn: sa.Connection, asof: AsOf, plan_key: str | None) -> sa.Subquery:
    """The board rows valid at the view, as a subquery with the board's column names.

    The index is chosen by where the view falls: near the head, the few versions still open
    are read by their end; near the start, the few versions begun by then by their start.
    """
    v = board_versions.c
    at: Any
    if asof.recorded:
        top = head(conn) or 1
        start, end, at = v.seq_from, v.seq_to, asof.seq
        late = _late(asof.seq / top)
    else:
        start, end, at = v.eff_from, v.eff_to, asof.day
        late = _late(_day_fraction(conn, asof.day, plan_key))
    # An arithmetic no-op keeps the planner off the index it should not use.
    if late:
        where = [end > at, (start + 0 if asof.recorded else sa.func.coalesce(start, start))
                 <= at]
    else:
        where = [start <= at, (end + 0 if asof.recorded else sa.func.coalesce(end, end)) > at]
    query = sa.select(*(v[c] for c in BOARD_COLUMNS), *(v[c] for c in EXTRA)).where(*where)
    if plan_key is not None:
        query = query.where(v.plan_key == plan_key)
    return query.subquery("board_asof")


def _day_fraction(conn: sa.Connection, day: date, plan_key: str | None) -> float:
    p = t.plans.c
    query = sa.select(sa.func.min(p.starts), sa.func.max(p.ends))
    if plan_key is not None:
        query = query.where(p.key == plan_key)
    starts, ends = conn.execute(query).one()
    if starts is None or ends is None or ends <= starts:
        return 1.0
    return (day - starts).days / max(1, (ends - starts).days)


def backfilled(fact_on: date | None, entered_on: date | None) -> Row | None:
    """Both dates of a fact entered after the day it took effect (补录), else None."""
    if fact_on is None or entered_on is None or fact_on >= entered_on:
        return None
    return {"on": fact_on, "entered": entered_on}


def ledger_inputs(conn: sa.Connection, asof: AsOf, plan_key: str | None,
                  person: str | None) -> tuple[list[Row], list[Row], list[Row]]:
    """The ledger's inputs in the view: item states from the versions valid then, the counted
    events up to it, and the report-cadence segments begun by then (open if closed later)."""
    src = valid_rows(conn, asof, plan_key)
    items = []
    for r in conn.execute(sa.select(src)).mappings():
        completion = r["completion"]
        on = completion.get("on") if completion else None
        items.append({"id": r["id"], "plan_key": r["plan_key"], "key": r["key"],
                      "title": r["title"], "owner": r["owner"], "status": r["status"],
                      "due": r["due"], "original_due": r["original_due"],
                      "completed_on": date.fromisoformat(on) if isinstance(on, str) else on})
    items.sort(key=lambda i: i["id"])
    e, c = t.ledger_events.c, t.ledger_cadence.c
    events = sa.select(t.ledger_events).order_by(e.seq, e.kind).where(
        e.seq <= asof.seq if asof.recorded else e.on <= asof.day)
    segments = sa.select(t.ledger_cadence).order_by(c.item_id, c.segment).where(
        c.lo <= asof.day)
    if plan_key is not None:
        events, segments = events.where(e.plan_key == plan_key), segments.where(
            c.plan_key == plan_key)
    if person is not None:
        events, segments = events.where(e.person == person), segments.where(c.owner == person)
    segs = []
    for s in conn.execute(segments).mappings():
        row = dict(s)
        if row["hi"] is not None and row["hi"] > asof.day:
            row["hi"] = None
        segs.append(row)
    return items, [dict(r) for r in conn.execute(events).mappings()], segs


def mark_live(conn: sa.Connection, cards: list[Row]) -> list[Row]:
    """Today's cards with the back-filled 补录 marks of their current versions."""
    v = board_versions.c
    ids = [c["id"] for c in cards]
    marks: dict[str, Row] = {}
    for start in range(0, len(ids), 500):
        query = sa.select(v.id, v.version, *(v[c] for c in EXTRA)).where(
            v.id.in_(ids[start:start + 500]), v.seq_to == OPEN_SEQ)
        marks.update({r["id"]: dict(r) for r in conn.execute(query).mappings()})
    for card in cards:
        mark_card(card, marks.get(card["id"]))
    return cards


def mark_card(card: Row, mark: Row | None) -> None:
    """A live card's back-filled 补录 marks, from its current version's row (``mark``: the
    version and the EXTRA dates) when that row is the card's version."""
    if mark is not None and mark["version"] == card["version"]:
        card["backfilled"] = backfilled(mark["fact_on"], mark["entered_on"])
        if card["completion"] is not None:
            card["completion_backfilled"] = backfilled(card["completion"]["on"],
                                                       mark["completion_entered"])
