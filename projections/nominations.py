"""Nominations 评选推荐: advanced units and outstanding members put forward for a plan.

One row per Plan.Nominated or Plan.NominationWithdrawn event; the nominations standing at any
instant are folded from the rows up to it, so a review "as of" a past date needs no replay.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from projections import tables as t
from projections.base import Projection
from projections.events import Envelope
from projections.rows import append_row

Row = dict[str, Any]
EVENTS = ("Nominated", "NominationWithdrawn")

nominations = sa.Table(
    "rm_nominations", t.metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("plan_key", t.S, nullable=False, index=True),
    sa.Column("event_type", sa.String(32), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("nominee", t.S, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("at", t.UTC, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
)


def handle(conn: sa.Connection, env: Envelope) -> None:
    """Add a row for each nomination and each withdrawal."""
    if env.aggregate_type != "Plan" or env.event_type not in EVENTS:
        return
    f = env.fields
    append_row(conn, nominations, {
        "seq": env.seq, "plan_key": f["plan_key"], "event_type": env.event_type,
        "kind": f["kind"], "nominee": f["nominee"], "reason": f["reason"], "actor": env.actor,
        "at": env.at, "day": env.day})


PROJECTION = Projection("nominations", (nominations,), handle)


def _rows(engine: sa.Engine, plan_key: str, as_of: datetime | None) -> list[Row]:
    n = nominations.c
    query = sa.select(nominations).where(n.plan_key == plan_key).order_by(n.seq)
    if as_of is not None:
        cutoff = as_of.astimezone(UTC).replace(tzinfo=None) if as_of.tzinfo else as_of
        query = query.where(n.at <= cutoff)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def plan_nominations(engine: sa.Engine, plan_key: str,
                     as_of: datetime | None = None) -> dict[str, list[Row]]:
    """The plan's nominations as of an instant: those standing ("standing", units first, in
    the order made) and those withdrawn ("withdrawn", with the withdrawal's reason)."""
    standing: dict[tuple[str, str], Row] = {}
    withdrawn: list[Row] = []
    for row in _rows(engine, plan_key, as_of):
        key = (row["kind"], row["nominee"])
        if row["event_type"] == "Nominated":
            standing[key] = {**row, "on": row["day"]}
        elif key in standing:
            before = standing.pop(key)
            withdrawn.append({**before, "withdrawn_on": row["day"], "withdrawn_by": row["actor"],
                              "withdrawn_reason": row["reason"]})
    ordered = sorted(standing.values(), key=lambda r: (r["kind"] != "unit", r["seq"]))
    return {"standing": ordered, "withdrawn": withdrawn}
