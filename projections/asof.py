"""Read models as they stood at a past instant: replay into a throwaway in-memory database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from projections import tables as t
from projections.events import decode
from projections.registry import BY_NAME
from projections.rows import buffered, flush

if TYPE_CHECKING:
    from projections.engine import ReadModels

REPLAYED = ("directory", "board", "ledger")
REPLAY_BATCH = 20000  # events applied (and written) at a time into the throwaway database


def utc_naive(moment: datetime) -> datetime:
    """An instant as naive UTC (a naive input is taken to be UTC already)."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _last_seq_by(conn: sa.Connection, cutoff: datetime) -> tuple[int | None, int]:
    """From the audit trail: the last seq at or before the cutoff, and how far it reaches."""
    last = conn.execute(sa.select(sa.func.max(t.audit.c.seq)).where(t.audit.c.at <= cutoff))
    reach = conn.execute(sa.select(t.tracking.c.position).where(t.tracking.c.name == "audit"))
    return last.scalar(), int(reach.scalar() or 0)


@contextmanager
def snapshot(rm: ReadModels, as_of: datetime) -> Iterator[sa.Engine]:
    """An in-memory engine holding the board, ledger and directory as of the instant."""
    cutoff = utc_naive(as_of)
    with rm.engine.connect() as live:
        last, reach = _last_seq_by(live, cutoff)
    engine = sa.create_engine("sqlite://", poolclass=StaticPool)
    try:
        t.metadata.create_all(engine, tables=[x for n in REPLAYED for x in BY_NAME[n].tables])
        with engine.begin() as conn:
            # Events the audit trail has seen are skipped past once they are all later than
            # the cutoff; events past its reach are read and filtered one by one.
            _replay(rm, conn, cutoff, 0, last or 0)
            _replay(rm, conn, cutoff, max(reach, last or 0), None)
        yield engine
    finally:
        engine.dispose()


def _replay(rm: ReadModels, conn: sa.Connection, cutoff: datetime, after: int,
            stop: int | None) -> None:
    if stop is not None and stop <= after:
        return
    projections = [BY_NAME[n] for n in REPLAYED]
    size = max(rm.batch_size, REPLAY_BATCH)
    while True:
        batch = rm.app.recorder.select_notifications(
            after, size, stop=stop, inclusive_of_start=False)
        if not batch:
            return
        envelopes = [e for e in (decode(rm.app, n, rm.app.timezone) for n in batch)
                     if e.at <= cutoff]
        for projection in projections:  # the engine's batch path, into the replay database
            with buffered(conn) as buffer:
                projection.handle_batch(conn, envelopes)
                flush(conn, buffer)
        after = batch[-1].id
