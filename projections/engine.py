"""The projection engine: catch up, track, rebuild and report on the read models."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from eventsourcing.persistence import Recording
from sqlalchemy.exc import IntegrityError

from projections import tables as t
from projections.base import Projection
from projections.db import locked_together, locked_transaction, make_engine
from projections.events import Envelope, decode, envelope
from projections.registry import BY_NAME, PROJECTIONS
from projections.rows import buffered, driver, flush, flush_released, replaying
from tracker.application import TrackerApplication
from tracker.storage import Store

log = logging.getLogger(__name__)
BATCH = 500
REBUILD_BATCH = 5000  # events read and decoded at a time by a rebuild
REBUILD_CHUNK = 100_000  # rows a rebuild writes and lets go at a time (see rows.replaying)


class ReadModels:
    """The read models of one store and the engine that keeps them up to date."""

    def __init__(self, app: TrackerApplication, store: Store, yellow_days: int = 3) -> None:
        self.app = app
        self.store = store
        self.yellow_days = yellow_days
        self.engine: sa.Engine = make_engine(store)
        self.batch_size = BATCH
        self.rebuild_batch_size = REBUILD_BATCH
        self.rebuild_chunk = REBUILD_CHUNK
        self._statements: dict[str, Any] = {}

    @property
    def names(self) -> list[str]:
        """The names of every projection."""
        return [p.name for p in PROJECTIONS]

    def close(self) -> None:
        """Release the read models' connections."""
        self.engine.dispose()

    def _select(self, names: Sequence[str] | None) -> list[Projection]:
        if names is None:
            return list(PROJECTIONS)
        unknown = [n for n in names if n not in BY_NAME]
        if unknown:
            raise ValueError(f"Unknown projection {unknown[0]!r} (known: {', '.join(BY_NAME)})")
        return [p for p in PROJECTIONS if p.name in names]

    def create_tables(self) -> None:
        """Create the tables and tracking rows once; safe to call from several processes.

        A projection whose tables lack a column of this version is emptied and replayed from
        zero (read models are rebuildable), so a store made by an older version still opens."""
        with locked_transaction(self.engine, "__schema__", self.store.schema) as conn:
            outdated = self._outdated(conn)
            for name in t.RETIRED_TABLES:
                conn.execute(sa.text(f"DROP TABLE IF EXISTS {name}"))
            for projection in outdated:
                for table in reversed(projection.tables):
                    table.drop(conn, checkfirst=True)
            t.metadata.create_all(conn)
            for name in t.RETIRED_INDEXES:
                conn.execute(sa.text(f"DROP INDEX IF EXISTS {name}"))
            for projection in outdated:
                conn.execute(t.tracking.update().where(
                    t.tracking.c.name == projection.name).values(position=0))
            for table in t.metadata.sorted_tables:  # indexes added since the tables were made
                for index in table.indexes:
                    index.create(conn, checkfirst=True)
            known = set(conn.execute(sa.select(t.tracking.c.name)).scalars())
            for name in self.names:
                if name not in known:
                    conn.execute(t.tracking.insert().values(name=name, position=0))

    @staticmethod
    def _outdated(conn: sa.Connection) -> list[Projection]:
        """The projections to replay from zero: their tables lack a column of this version,
        or are all missing while the projection has applied events (tables an earlier
        version kept under other names, see tables.RETIRED_TABLES)."""
        inspector = sa.inspect(conn)
        existing = set(inspector.get_table_names())
        positions = dict(conn.execute(sa.select(t.tracking.c.name, t.tracking.c.position))
                         .tuples().all()) if t.tracking.name in existing else {}
        out = []
        for projection in PROJECTIONS:
            present = [table for table in projection.tables if table.name in existing]
            if not present:
                if positions.get(projection.name):
                    out.append(projection)
                continue  # else a new store: nothing to replay
            missing = len(present) < len(projection.tables) or any(
                set(table.c.keys()) - {c["name"] for c in inspector.get_columns(table.name)}
                for table in present)
            if missing:
                out.append(projection)
        return out

    def positions(self, names: Sequence[str] | None = None) -> dict[str, int]:
        """Each projection's tracking position."""
        wanted = [p.name for p in self._select(names)]
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t.tracking).where(t.tracking.c.name.in_(wanted)))
            found = {r.name: int(r.position) for r in rows}
        return {name: found.get(name, 0) for name in wanted}

    def position(self, name: str) -> int:
        """The last notification id the projection has applied."""
        return self.positions([name])[name]

    def head(self) -> int:
        """The store's largest notification id (0 when empty)."""
        return int(self.app.recorder.max_notification_id() or 0)

    def _notification_ids(self) -> sa.ColumnClause[Any]:
        """The event store's notification id column, for queries on the read models' engine
        (the same database: on SQLite the same file, on PostgreSQL the same schema)."""
        recorder = self.app.recorder
        name = getattr(recorder, "events_table_name", "stored_events")
        if self.store.kind == "sqlite":
            return sa.table(name, sa.column("rowid")).c.rowid
        schema = getattr(getattr(recorder, "datastore", None), "schema", None) or None
        return sa.table(name, sa.column("notification_id"), schema=schema).c.notification_id

    def behind(self) -> bool:
        """Whether the store holds events some projection has not applied (one query)."""
        names: sa.BindParameter[list[str]] = sa.bindparam("names", self.names, expanding=True)
        lowest = sa.select(sa.func.min(t.tracking.c.position)).where(
            t.tracking.c.name.in_(names)).scalar_subquery()
        if self.store.kind == "sqlite":  # the events live in the same file: ask both at once
            head = sa.select(sa.func.max(self._notification_ids())).scalar_subquery()
            with self.engine.connect() as conn:
                row = conn.execute(sa.select(head, lowest)).one()
            return int(row[0] or 0) > int(row[1] or 0)
        with self.engine.connect() as conn:
            position = conn.execute(sa.select(lowest)).scalar()
        return self.head() > int(position or 0)

    def apply_saved(self, recordings: Sequence[Recording[Any]]) -> bool:
        """Apply the events a command has just saved to every projection, in one transaction.

        The envelopes are made from the saved events themselves (nothing read back or decoded
        again). Holding every projection's lock, the positions are checked to stand exactly at
        the notification before the first saved one; if any stands elsewhere (behind, or
        another writer's events came in between) this catches up instead, which includes
        ours. True when the saved events were applied directly."""
        if not recordings:
            return True
        tz = self.app.timezone
        envelopes = [envelope(r.domain_event, r.notification, tz) for r in recordings]
        names = self.names
        with locked_together(self.engine, names, self.store.schema) as conn:
            if self._stand_before(conn, names, envelopes[0].seq):
                _handle_together(conn, PROJECTIONS, envelopes, pipelined=True)
                advance = self._saved_statement("advance")
                driver(conn, advance, lambda cursor: cursor.execute(
                    advance, (envelopes[-1].seq,)))
                return True
        self.catch_up()
        return False

    def _saved_statement(self, kind: str) -> str:
        """apply_saved's two statements over every projection's tracking row, as the driver's
        SQL made once (the projection names written in, the one value a parameter): run
        through the driver, they skip SQLAlchemy's per-execution work."""
        found = self._statements.get(kind)
        if found is None:
            names, tracking = self.names, t.tracking
            dialect = self.engine.dialect
            mark: Any = sa.literal_column("__value__")  # the parameter, in the driver's style

            statement: Any
            if kind == "stand":
                ids = self._notification_ids()
                before = sa.select(sa.func.max(ids)).where(ids < mark).scalar_subquery()
                statement = sa.select(tracking.c.position, before).where(
                    tracking.c.name.in_(names))
            else:
                statement = tracking.update().where(tracking.c.name.in_(names)).values(
                    position=mark)
            found = str(statement.compile(dialect=dialect, compile_kwargs={
                "literal_binds": True})).replace(
                "__value__", "?" if dialect.paramstyle == "qmark" else "%s")
            self._statements[kind] = found
        return found  # type: ignore[no-any-return]

    def _stand_before(self, conn: sa.Connection, names: Sequence[str], seq: int) -> bool:
        """Whether every projection's position is the store's last notification before seq
        (ids may have gaps: the store is asked, not seq - 1). Inserts into the store are
        serialised (SQLite's write lock, the PostgreSQL recorder's table lock), so every
        event with a smaller id is committed and visible once ours is."""
        sql = self._saved_statement("stand")
        positions: list[Any] = []

        def run(cursor: Any) -> None:
            cursor.execute(sql, (seq,))
            positions.extend(cursor.fetchall())

        driver(conn, sql, run)
        return len(positions) == len(names) and all(
            int(position) == int(previous or 0) for position, previous in positions)

    def catch_up(self, names: Sequence[str] | None = None, batch_size: int | None = None,
                 progress: Callable[[int], None] | None = None) -> int:
        """Apply every new event to the projections in batches; the position they all reached
        (``progress`` is told how many events each batch held)."""
        selected = self._select(names)
        while True:
            positions = self.positions([p.name for p in selected])
            start = min(positions.values())
            batch = self.app.recorder.select_notifications(
                start, batch_size or self.batch_size, inclusive_of_start=False)
            if not batch:
                return start
            envelopes = [decode(self.app, n, self.app.timezone) for n in batch]
            level = len(set(positions.values())) == 1
            if not (level and self._apply_together(selected, envelopes, start)):
                for projection in selected:
                    self.apply(projection, envelopes)
            if progress is not None:
                progress(len(batch))

    def _apply_together(self, selected: Sequence[Projection], envelopes: Sequence[Envelope],
                        start: int) -> bool:
        """Apply a batch to projections that all stand at ``start``, in one transaction with
        one row cache (as apply_saved does): one lock, one write per table, one commit. False
        (nothing done) when, under their locks, some stands elsewhere: then each goes alone."""
        wanted = [p.name for p in selected]
        with locked_together(self.engine, wanted, self.store.schema) as conn:
            found = dict(conn.execute(sa.select(t.tracking.c.name, t.tracking.c.position)
                                      .where(t.tracking.c.name.in_(wanted))).tuples().all())
            if len(found) != len(wanted) or set(found.values()) != {start}:
                return False
            _handle_together(conn, selected, envelopes)
            conn.execute(t.tracking.update().where(t.tracking.c.name.in_(wanted)).values(
                position=envelopes[-1].seq))
            return True

    def apply(self, projection: Projection, envelopes: Sequence[Envelope]) -> int:
        """Apply the events past the projection's position in one transaction; how many."""
        try:
            with locked_transaction(self.engine, projection.name, self.store.schema) as conn:
                pos = conn.execute(sa.select(t.tracking.c.position).where(
                    t.tracking.c.name == projection.name)).scalar()
                if pos is None:  # a projection added since the tables were created
                    conn.execute(t.tracking.insert().values(name=projection.name, position=0))
                    pos = 0
                todo = [e for e in envelopes if e.seq > pos]  # a re-delivered event is skipped
                with buffered(conn) as buffer:
                    projection.handle_batch(conn, todo)
                    flush(conn, buffer)
                if todo:
                    conn.execute(t.tracking.update().where(
                        t.tracking.c.name == projection.name).values(position=todo[-1].seq))
                return len(todo)
        except IntegrityError:
            # A duplicate row means someone else applied these events first (not a conflict
            # in our own data): re-read the position; anything else is a real error.
            if envelopes and self.position(projection.name) >= envelopes[-1].seq:
                log.warning("%s: batch already applied elsewhere; skipped", projection.name)
                return 0
            raise

    def wait_until(self, notification_id: int | None, timeout: float = 5.0) -> bool:
        """Poll the tracking positions until every projection reached the id, or time out."""
        if not notification_id:
            return True
        deadline = time.monotonic() + timeout
        pause = 0.002
        while min(self.positions().values()) < notification_id:
            if time.monotonic() >= deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, 0.02)
        return True

    def rebuild(self, names: Sequence[str] | None = None,
                progress: Callable[[int], None] | None = None) -> None:
        """Drop the projections' rows and positions, then replay every event from zero.

        The replay is a path of its own, in one transaction that holds every chosen
        projection's lock: its rows stay in memory from the first event to the last (nothing
        is read back) and are written with prepared driver statements, the rows only ever
        appended and the versions superseded in large chunks as it goes, the rest once at the
        end (projections.rows.replaying). The tables' secondary indexes are dropped first and
        made again once at the end (one sort instead of an update per row), and the cyclic
        garbage collector is frozen meanwhile (the replay makes no cycles worth collecting).
        Readers see the old rows until it commits; should it fail, nothing changed."""
        selected = self._select(names)
        collecting = gc.isenabled()
        gc.disable()
        gc.freeze()
        try:
            with locked_transaction(self.engine, [p.name for p in selected],
                                    self.store.schema) as conn:
                secondary = self._empty(conn, selected)
                position = self._replay(conn, selected, progress)
                for index in secondary:
                    index.create(conn)
                conn.execute(t.tracking.update().where(t.tracking.c.name.in_(
                    [p.name for p in selected])).values(position=position))
        finally:
            gc.unfreeze()
            if collecting:
                gc.enable()

    @staticmethod
    def _empty(conn: sa.Connection, selected: Sequence[Projection]) -> list[sa.Index]:
        """Delete the projections' rows and drop their secondary indexes (to be made again)."""
        dropped = []
        existing = {(ix["name"]) for projection in selected for table in projection.tables
                    for ix in sa.inspect(conn).get_indexes(table.name)}
        for projection in selected:
            known = conn.execute(sa.select(t.tracking.c.name).where(
                t.tracking.c.name == projection.name)).first()
            if known is None:  # a projection added since the tables were created
                conn.execute(t.tracking.insert().values(name=projection.name, position=0))
            for table in reversed(projection.tables):
                conn.execute(table.delete())
                for index in table.indexes:
                    if not index.unique:
                        if index.name in existing:
                            index.drop(conn)
                        dropped.append(index)
        return dropped

    def _replay(self, conn: sa.Connection, selected: Sequence[Projection],
                progress: Callable[[int], None] | None) -> int:
        """Every event through the projections into emptied tables; the last one's seq."""
        size = max(self.batch_size, self.rebuild_batch_size)
        position = 0
        with replaying(conn) as buffer:
            while True:
                batch = self.app.recorder.select_notifications(
                    position, size, inclusive_of_start=False)
                if not batch:
                    break
                envelopes = [decode(self.app, n, self.app.timezone) for n in batch]
                for projection in selected:
                    projection.handle_batch(conn, envelopes)
                if buffer.pending >= self.rebuild_chunk:
                    flush_released(conn, buffer)
                position = batch[-1].id
                if progress is not None:
                    progress(len(batch))
            flush(conn, buffer)
        return position

    def status(self) -> list[dict[str, object]]:
        """Each projection's position, the store's head and how far behind it is."""
        head = self.head()
        return [{"name": name, "position": pos, "head": head, "lag": max(head - pos, 0)}
                for name, pos in self.positions().items()]

    def run_forever(self, stop: threading.Event | None = None) -> None:
        """Keep the projections caught up until stopped; errors are logged and retried."""
        from projections.runner import run_forever

        run_forever(self, stop)


def _handle_together(conn: sa.Connection, projections: Sequence[Projection],
                     envelopes: Sequence[Envelope], pipelined: bool = False) -> None:
    """A batch through several projections with one row cache (their tables are apart) and
    one write at the end (``pipelined``: see rows.flush)."""
    with buffered(conn) as buffer:
        for projection in projections:
            projection.handle_batch(conn, envelopes)
        flush(conn, buffer, pipelined=pipelined)
