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
from projections.rows import complete, get_row, insert_row, memo, release, run, seed, update_row
from tracker.domain.item import WorkItem

Row = dict[str, Any]
OPEN_SEQ = 2**62  # seq_to of the current version
OPEN_DAY = date(9999, 12, 31)  # eff_to of the current version
BOARD_COLUMNS = tuple(c.name for c in t.board.columns)
CLOSED = "versions_closed"  # memo key: stored versions the prefetch has already closed
CURRENT = "versions_current"  # memo key: item id -> its open version in this transaction
CHUNK = 500
# events that carry the day they took effect
DATED = (WorkItem.ProgressReported.__name__, WorkItem.CompletionSubmitted.__name__)
SUBMITTED = WorkItem.CompletionSubmitted.__name__

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
    # Covering the board's order: a past board's page of cards is read from the index alone,
    # then only that page's rows (projections.cards.board).
    sa.Index("ix_rm_board_versions_seq_to_page", "plan_key", "seq_to", "seq_from", "status",
             "due", "title", "id", "version"),
    sa.Index("ix_rm_board_versions_seq_from", "plan_key", "seq_from"),
    sa.Index("ix_rm_board_versions_eff_to_page", "plan_key", "eff_to", "eff_from", "status",
             "due", "title", "id", "version"),
    # A past card's children: the parent's key, then the validity bound the view reads by
    # (so the planner prefers these to the page indexes above).
    sa.Index("ix_rm_board_versions_parent_seq", "plan_key", "parent", "seq_to"),
    sa.Index("ix_rm_board_versions_parent_eff", "plan_key", "parent", "eff_to"),
    sa.Index("ix_rm_board_versions_eff_from", "plan_key", "eff_from"),
    sa.Index("ix_rm_board_versions_at", "at_from"),
    sa.Index("ix_rm_board_versions_open", "id", "seq_to"),
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


def _close(conn: sa.Connection, previous: Row, env: Envelope, eff: date) -> None:
    """End the previous version where this event begins (in both orders)."""
    start = min(previous["eff_from"], eff)
    update_row(conn, board_versions, {"seq_to": env.seq, "eff_to": eff, "eff_from": start},
               id=env.aggregate_id, version=previous["version"])
    release(conn, board_versions, id=env.aggregate_id, version=previous["version"])
    if eff < previous["eff_from"]:  # starts stay in order: only then can earlier ones move
        _close_back(conn, env.aggregate_id, previous["version"] - 1, eff)


def _close_stored(conn: sa.Connection, rows: list[Row], envelopes: Sequence[Envelope]) -> None:
    """End the stored open versions the batch's first event of each item supersedes, with one
    narrow UPDATE for all of them (rather than rewriting every column of each row)."""
    first: dict[str, Envelope] = {}
    for env in envelopes:
        if env.aggregate_type == "WorkItem":
            first.setdefault(env.aggregate_id, env)
    closed: set[tuple[str, int]] = memo(conn).setdefault(CLOSED, set())
    updates = []
    for row in rows:
        found = first.get(row["id"])
        if found is None or found.version != row["version"] + 1:
            continue
        env = found
        eff = effective_day(env)
        if eff < row["eff_from"]:
            _close_back(conn, row["id"], row["version"] - 1, eff)
        row.update(seq_to=env.seq, eff_to=eff, eff_from=min(row["eff_from"], eff))
        updates.append({"k_id": row["id"], "k_version": row["version"], "seq_to": row["seq_to"],
                        "eff_to": eff, "eff_from": row["eff_from"]})
        closed.add((row["id"], row["version"]))
    if updates:
        run(conn, _CLOSE_STORED, many=updates)


_CLOSE_STORED = board_versions.update().where(
    board_versions.c.id == sa.bindparam("k_id"),
    board_versions.c.version == sa.bindparam("k_version")).values(
    seq_to=sa.bindparam("seq_to"), eff_to=sa.bindparam("eff_to"),
    eff_from=sa.bindparam("eff_from"))
_CURRENT_ONE = sa.select(board_versions).where(board_versions.c.id == sa.bindparam("id"),
                                               board_versions.c.seq_to == OPEN_SEQ)


def _current_rows(conn: sa.Connection, ids: list[str]) -> list[Row]:
    v = board_versions.c
    if len(ids) == 1:  # a command's batch: one statement, compiled once, on the driver
        return run(conn, _CURRENT_ONE, {"id": ids[0]})
    out: list[Row] = []
    for start in range(0, len(ids), CHUNK):
        query = sa.select(board_versions).where(v.id.in_(ids[start:start + CHUNK]),
                                                v.seq_to == OPEN_SEQ)
        out.extend(dict(r) for r in conn.execute(query).mappings())
    return out


def _current(conn: sa.Connection, item_id: str) -> Row | None:
    """The item's open version (a batch keeps which one it is; else one indexed query)."""
    known: dict[str, int | None] = memo(conn).setdefault(CURRENT, {})
    if item_id not in known:  # (a replay from empty knows every open version)
        rows = [] if complete(conn) else _current_rows(conn, [item_id])
        seed(conn, board_versions, rows)
        known[item_id] = rows[0]["version"] if rows else None
    version = known[item_id]
    return None if version is None else get_row(conn, board_versions, id=item_id,
                                                version=version)


def handle(conn: sa.Connection, env: Envelope) -> None:
    """Close the item's current version and open the one this event makes."""
    if env.aggregate_type != "WorkItem":
        return
    previous = _current(conn, env.aggregate_id)
    applied = apply_item(_board_row(previous), env)  # None when the version already has it
    if applied is None:
        return
    new = applied[0]
    memo(conn).setdefault(CURRENT, {})[env.aggregate_id] = env.version
    eff = effective_day(env)
    closed: set[tuple[str, int]] = memo(conn).setdefault(CLOSED, set())
    if previous is not None and (env.aggregate_id, previous["version"]) in closed:
        closed.discard((env.aggregate_id, previous["version"]))  # the prefetch closed it
    elif previous is not None:
        _close(conn, previous, env, eff)
    entered = previous["completion_entered"] if previous else None
    if env.event_type == SUBMITTED:
        entered = env.day
    elif new["completion"] is None:
        entered = None
    insert_row(conn, board_versions, {
        **new, "seq_from": env.seq, "seq_to": OPEN_SEQ, "at_from": env.at, "eff_from": eff,
        "eff_to": OPEN_DAY, "fact_on": eff, "entered_on": env.day,
        "completion_entered": entered})


def prefetch(conn: sa.Connection, envelopes: Sequence[Envelope]) -> None:
    """The open versions of the batch's items, in one query per chunk."""
    if complete(conn):
        return
    known: dict[str, int | None] = memo(conn).setdefault(CURRENT, {})
    ids = [i for i in dict.fromkeys(e.aggregate_id for e in envelopes
                                    if e.aggregate_type == "WorkItem") if i not in known]
    rows = _current_rows(conn, ids)
    _close_stored(conn, rows, envelopes)
    seed(conn, board_versions, rows)
    known.update(dict.fromkeys(ids))
    known.update({r["id"]: r["version"] for r in rows})


PROJECTION = Projection("versions", (board_versions,), handle, prefetch)
