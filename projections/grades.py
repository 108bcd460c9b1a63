"""Unit grades 分类定级: one row per assessment; grade history and movement 晋位升级."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from projections import tables as t
from projections.base import Projection
from projections.events import Envelope, jsonable
from projections.pastviews import AsOf, backfilled
from projections.rows import append_row
from tracker.grading import rank

Row = dict[str, Any]

grades = sa.Table(
    "rm_grades", t.metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("unit_key", t.S, nullable=False, index=True),
    sa.Column("plan_key", t.S, nullable=False, index=True),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("on", sa.Date, nullable=False),
    sa.Column("at", t.UTC, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("grade", sa.String(16), nullable=False),
    sa.Column("self_scores", sa.JSON, nullable=False),
    sa.Column("superior_scores", sa.JSON, nullable=False),
    sa.Column("weights", sa.JSON, nullable=False),
)


def handle(conn: sa.Connection, env: Envelope) -> None:
    """Add a row for each Unit.Assessed event."""
    if env.aggregate_type != "Unit" or env.event_type != "Assessed":
        return
    f = env.fields
    append_row(conn, grades, {
        "seq": env.seq, "unit_key": f["unit"], "plan_key": f["plan_key"], "label": f["label"],
        "on": f["on"], "at": env.at, "actor": env.actor, "score": float(f["score"]),
        "grade": f["grade"], "self_scores": jsonable(f["self_scores"]),
        "superior_scores": jsonable(f["superior_scores"]), "weights": jsonable(f["weights"])})


PROJECTION = Projection("grades", (grades,), handle)


def _rows(conn: sa.Connection, unit: str | None, plan_key: str | None,
          as_of: datetime | AsOf | None, tz: ZoneInfo | None = None) -> list[Row]:
    """Assessments in the view: as recorded, those entered by then (in entry order); as in
    effect, every one known dated by then (by date). Each says when it was entered and
    whether it was back-filled 补录 (entered after the day it is dated)."""
    g = grades.c
    query = sa.select(grades).order_by(g.seq)
    if unit is not None:
        query = query.where(g.unit_key == unit)
    if plan_key is not None:
        query = query.where(g.plan_key == plan_key)
    if isinstance(as_of, AsOf):
        query = query.where(g.seq <= as_of.seq) if as_of.recorded else query.where(
            g["on"] <= as_of.day).order_by(None).order_by(g["on"], g.seq)
    elif as_of is not None:
        cutoff = as_of.astimezone(UTC).replace(tzinfo=None) if as_of.tzinfo else as_of
        query = query.where(g.at <= cutoff)
    zone = tz or ZoneInfo("UTC")
    out = []
    for r in conn.execute(query).mappings():
        entered = r["at"].replace(tzinfo=UTC).astimezone(zone).date()
        out.append({**r, "entered_on": entered, "backfilled": backfilled(r["on"], entered)})
    return out


def unit_grades(engine: sa.Engine, key: str, plan_key: str | None = None,
                as_of: datetime | AsOf | None = None, tz: ZoneInfo | None = None) -> list[Row]:
    """A unit's grade history, oldest first (as of an instant or a past view if given)."""
    with engine.connect() as conn:
        return _rows(conn, key, plan_key, as_of, tz)


def all_grades(engine: sa.Engine, plan_key: str | None = None,
               as_of: datetime | AsOf | None = None,
               tz: ZoneInfo | None = None) -> dict[str, list[Row]]:
    """Every unit's grade history by unit key, oldest first."""
    out: dict[str, list[Row]] = {}
    with engine.connect() as conn:
        for row in _rows(conn, None, plan_key, as_of, tz):
            out.setdefault(row["unit_key"], []).append(row)
    return out


def movement(engine: sa.Engine, plan_key: str | None = None,
             as_of: datetime | AsOf | None = None) -> list[Row]:
    """Each change of grade between two consecutive assessments of a unit: up or down."""
    moves = []
    for unit, history in sorted(all_grades(engine, plan_key, as_of).items()):
        for before, after in zip(history, history[1:], strict=False):
            step = rank(after["grade"]) - rank(before["grade"])
            if step:
                moves.append({"unit": unit, "direction": "up" if step > 0 else "down",
                              "from_label": before["label"], "to_label": after["label"],
                              "from_grade": before["grade"], "to_grade": after["grade"],
                              "from_score": before["score"], "to_score": after["score"],
                              "from_on": before["on"], "to_on": after["on"]})
    return moves
