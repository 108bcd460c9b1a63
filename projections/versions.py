"""Every version of every board row, each valid over an interval in notification order
(seq_from ≤ s < seq_to) and in effective time (eff_from ≤ day < eff_to).

"As recorded" at a sequence number s is the version valid at s; "as in effect" on a day is the
version valid on that day, where a version takes effect on its event's date (progress reported
on, completion submitted on; otherwise the day it was recorded) and a back-filled fact (one
that took effect before later-recorded versions) closes those versions' effective intervals
where it begins. Both are indexed range queries, not replays.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from projections import tables as t
from projections.base import Projection
from projections.board_projection import apply_item
from projections.events import Envelope
from projections.rows import get_row, insert_row, preload, update_row

Row = dict[str, Any]
OPEN_SEQ = 2**62  # seq_to of the current version
OPEN_DAY = date(9999, 12, 31)  # eff_to of the current version
BOARD_COLUMNS = tuple(c.name for c in t.board.columns)
DATED = ("ProgressReported", "CompletionSubmitted")  # events that carry the day they took effect

board_versions = sa.Table(
    "rm_board_versions", t.metadata,
    *(sa.Column(c.name, c.type, primary_key=c.name in ("id", "version"),
                autoincrement=False, nullable=c.nullable or c.name not in ("id", "version"))
      for c in t.board.columns),
    sa.Column("seq_from", sa.BigInteger, nullable=False),
    sa.Column("seq_to", sa.BigInteger, nullable=False),
    sa.Column("at_from", t.UTC, nullable=False),
    sa.Column("eff_from", sa.Date, nullable=False),
    sa.Column("eff_to", sa.Date, nullable=False),
    sa.Column("fact_on", sa.Date, nullable=False),  # when the version's fact took effect
    sa.Column("entered_on", sa.Date, nullable=False),  # the day it was recorded
    sa.Column("completion_entered", sa.Date),  # the day the completion in force was recorded
    sa.Index("ix_rm_board_versions_seq_to", "plan_key", "seq_to", "seq_from"),
    sa.Index("ix_rm_board_versions_seq_from", "plan_key", "seq_from"),
    sa.Index("ix_rm_board_versions_eff_to", "plan_key", "eff_to", "eff_from"),
    sa.Index("ix_rm_board_versions_eff_from", "plan_key", "eff_from"),
    sa.Index("ix_rm_board_versions_at", "at_from"),
)


def effective_day(env: Envelope) -> date:
    """The day an event's fact took effect: its own date if it carries one, else its record."""
    if env.event_type in DATED and env.fields.get("on") is not None:
        on = env.fields["on"]
        return on if isinstance(on, date) else date.fromisoformat(str(on))
    return env.day


def _board_row(version: Row | None) -> Row | None:
    return None if version is None else {c: version[c] for c in BOARD_COLUMNS}


def _close_back(conn: sa.Connection, item_id: str, version: int, eff: date) -> None:
    """Versions before a back-filled fact that took effect later than it end where it begins."""
    while version >= 1:
        row = get_row(conn, board_versions, id=item_id, version=version)
        if row is None or row["eff_from"] <= eff:
            return
        update_row(conn, board_versions, {"eff_from": eff, "eff_to": eff}, id=item_id,
                   version=version)
        version -= 1


def handle(conn: sa.Connection, env: Envelope) -> None:
    """Close the item's current version and open the one this event makes."""
    if env.aggregate_type != "WorkItem":
        return
    previous = None
    if env.version > 1:
        previous = get_row(conn, board_versions, id=env.aggregate_id, version=env.version - 1)
        if get_row(conn, board_versions, id=env.aggregate_id, version=env.version) is not None:
            return  # already applied
    new = apply_item(_board_row(previous), env)
    if new is None:
        return
    eff = effective_day(env)
    if previous is not None:
        start = min(previous["eff_from"], eff)
        update_row(conn, board_versions, {"seq_to": env.seq, "eff_to": eff, "eff_from": start},
                   id=env.aggregate_id, version=previous["version"])
        _close_back(conn, env.aggregate_id, previous["version"] - 1, eff)
    entered = previous["completion_entered"] if previous else None
    if env.event_type == "CompletionSubmitted":
        entered = env.day
    elif new["completion"] is None:
        entered = None
    insert_row(conn, board_versions, {
        **new, "seq_from": env.seq, "seq_to": OPEN_SEQ, "at_from": env.at, "eff_from": eff,
        "eff_to": OPEN_DAY, "fact_on": eff, "entered_on": env.day,
        "completion_entered": entered})


def prefetch(conn: sa.Connection, envelopes: Sequence[Envelope]) -> None:
    """The versions of the batch's items (their current ones are what the handler reads)."""
    preload(conn, board_versions,
            (e.aggregate_id for e in envelopes if e.aggregate_type == "WorkItem"))


PROJECTION = Projection("versions", (board_versions,), handle, prefetch)
