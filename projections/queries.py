"""What the web and the CLI read: plans, board, cards, history, audit, ledger, units, people."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from projections import tables as t
from projections.auditpage import AuditPage, AuditSort, audit_page
from projections.auditread import read_members, read_records
from projections.board_projection import changes_of
from projections.cards import board as board_cards
from projections.cards import board_count, cards_by_id, matching, row_light
from projections.cards import card as one_card
from projections.engine import ReadModels
from projections.events import as_utc
from projections.lanes import INDEX_COLUMNS, UNIT_COLUMNS, LaneIndex, index
from projections.ledger import figures
from projections.ledger import ledger as ledger_rows
from projections.names import Directory, DirectoryCache
from projections.pastviews import (
    AsOf,
    ledger_inputs,
    mark_live,
    naive_utc,
    resolve,
    valid_rows,
)
from projections.plans import plan_dict, progress
from tracker.asof import check_as_of, check_basis
from tracker.auditchain import GENESIS
from tracker.domain.status import Status

Row = dict[str, Any]
AUDIT_BATCH = 1000
LIGHT_COLUMNS = ("status", "due", "report_every_days", "last_report_on", "created_on")


# Statements the item page asks on every command's answer, built once (building a statement
# costs more than SQLite takes to run it).
ITEM_TITLE = sa.select(t.board.c.title).where(t.board.c.id == sa.bindparam("item_id"))
PLAN = sa.select(t.plans).where(t.plans.c.key == sa.bindparam("key"))


@cache
def _history_statement(after: bool, types: frozenset[str] | None,
                       besides: frozenset[str] | None, last: bool,
                       also: frozenset[str] | None = None) -> sa.Select[Any]:
    """Queries.history's statement for one combination of its filters (built once each)."""
    h = t.audit.c
    query = sa.select(h.seq, h.at, h.actor, h.event_type, h.version, h.data).where(
        h.aggregate_id == sa.bindparam("item_id"))
    if after:
        newer = h.version > sa.bindparam("after")
        query = query.where(newer if also is None else sa.or_(
            newer, h.event_type.in_(sorted(also))))
    if types is not None:
        query = query.where(h.event_type.in_(sorted(types)))
    if besides is not None:
        query = query.where(h.event_type.not_in(sorted(besides)))
    # (an item's events are in version order as in seq order: the (aggregate, version) index)
    return query.order_by(h.version.desc()).limit(1) if last else query.order_by(h.version)


def _item_key(item_id: UUID | str) -> str | None:
    try:
        return str(item_id if isinstance(item_id, UUID) else UUID(str(item_id)))
    except ValueError:
        return None


class Queries:
    """Read-side queries over the read models (and over replays for "as of")."""

    def __init__(self, read_models: ReadModels, today: Callable[[], date],
                 yellow_days: int = 3) -> None:
        self.rm = read_models
        self.today = today
        self.yellow_days = yellow_days
        self._directory = DirectoryCache(read_models.engine)
        # Where a caller keeps what one unit of work (a web request) has read already: the
        # directory is then asked for once per request, not once per name or picker shown.
        self.scope: Callable[[], dict[str, Any] | None] = lambda: None

    def _day_of(self, as_of: datetime) -> date:
        """The tracker's date at an instant (a naive instant is UTC)."""
        aware = as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
        return aware.astimezone(self.rm.app.timezone).date()

    def as_of(self, day: date, basis: str = "effect", instant: datetime | None = None) -> AsOf:
        """The past view of a day (ending at its last instant, or at the instant given)."""
        tz = self.rm.app.timezone
        end = instant or datetime.combine(day + timedelta(days=1), time.min, tz) - timedelta(
            microseconds=1)
        with self.rm.engine.connect() as conn:
            return resolve(conn, day, basis, end)

    def past(self, day: date | None, basis: str | None = None, plan_key: str | None = None,
             default: str = "effect", instant: datetime | None = None) -> AsOf | None:
        """The checked past view of a day (None for today's): not after today, not before the
        plan starts; "effect" or "recorded" (the default when not given)."""
        if day is None:
            return None
        p = t.plans.c
        query = sa.select(sa.func.min(p.starts))
        if plan_key is not None:
            query = query.where(p.key == plan_key)
        with self.rm.engine.connect() as conn:
            starts = conn.execute(query).scalar()
        check_as_of(day, starts, self.today())
        return self.as_of(day, check_basis(basis, default), instant)

    def _view(self, as_of: datetime | AsOf) -> AsOf:
        """A bare instant means "as recorded" at that instant."""
        if isinstance(as_of, AsOf):
            return as_of
        return self.as_of(self._day_of(as_of), "recorded", as_of)

    def list_plans(self, offset: int = 0, limit: int | None = None) -> list[Row]:
        """Every plan (or a page of them) with its goals and phases."""
        query = sa.select(t.plans).order_by(t.plans.c.starts, t.plans.c.key)
        with self.rm.engine.connect() as conn:
            rows = conn.execute(query.offset(offset or None).limit(limit))
            return [plan_dict(dict(r)) for r in rows.mappings()]

    def count_plans(self) -> int:
        """How many plans there are."""
        with self.rm.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(t.plans)).scalar()
                       or 0)

    def get_plan(self, key: str, with_progress: bool = True) -> Row | None:
        """One plan with its goals and phases, and (``with_progress``) its progress per plan,
        goal and phase."""
        with self.rm.engine.connect() as conn:
            row = conn.execute(PLAN, {"key": key}).mappings().first()
            if row is None:
                return None
            plan = plan_dict(dict(row))
            if not with_progress:
                return plan
            b = t.board.c
            items = conn.execute(sa.select(b.status, b.due, b.goal, b.phase).where(
                b.plan_key == key)).mappings()
            plan["progress"] = progress(plan, [dict(i) for i in items], self.today())
        return plan

    def board(self, plan_key: str | None = None, *, owner: str | None = None,
              unit: str | None = None, status: Any = None, phase: str | None = None,
              goal: str | None = None, light: str | Sequence[str] | None = None,
              q: str | None = None, include_cancelled: bool = False,
              as_of: datetime | AsOf | None = None, offset: int = 0, limit: int | None = None,
              parent: str | None = None, awaiting_decision: bool = False,
              exclude_owner: str | None = None, answering: str | None = None,
              ids: Sequence[str] | None = None) -> list[Row]:
        """The cards matching the filters, by due date then title (as of a past view or an
        instant if given); awaiting_decision keeps completions and extension requests waiting
        for a reviewer; ``answering``: the items a person owns or otherwise answers for;
        ``ids``: only these items."""
        args = {"plan_key": plan_key, "owner": owner, "unit": unit, "status": status,
                "answering": answering,
                "phase": phase, "goal": goal, "light_is": light, "q": q,
                "include_cancelled": include_cancelled, "offset": offset, "limit": limit,
                "parent": parent, "awaiting_decision": awaiting_decision,
                "exclude_owner": exclude_owner, "ids": ids}
        if as_of is None:
            known = self._names()  # read before taking a connection: one at a time
            with self.rm.engine.connect() as conn:
                return mark_live(conn, board_cards(conn, self.today(), self.yellow_days, **args,
                                                   known=known))
        view = self._view(as_of)
        known = self._names()  # the names a past board shows are today's, as the live one's
        with self.rm.engine.connect() as conn:
            return board_cards(conn, view.day, self.yellow_days, **args,
                               source=valid_rows(conn, view, plan_key), known=known)

    def lane_index(self, plan_key: str, by: str = "", **filters: Any) -> dict[str, LaneIndex]:
        """The live board's lanes (by owner, unit or phase; empty: one lane) with the ids each
        column holds, in board order: counts and pages without building a card."""
        if "light" in filters:
            filters["light_is"] = filters.pop("light")
        columns = INDEX_COLUMNS + UNIT_COLUMNS if by == "unit" or filters.get("unit") \
            else INDEX_COLUMNS
        with self.rm.engine.connect() as conn:
            rows = matching(conn, self.today(), self.yellow_days, plan_key, columns=columns,
                            **filters)
        return index(rows, by)

    def cards(self, ids: Sequence[str]) -> dict[str, Row]:
        """The live cards with these ids, by id."""
        known = self._names()
        with self.rm.engine.connect() as conn:
            found = list(cards_by_id(conn, ids, self.today(), self.yellow_days, known).values())
            return {c["id"]: c for c in mark_live(conn, found)}

    def column_counts(self, plan_key: str) -> dict[str, int]:
        """How many cards each status column of a plan's live board holds (no filter)."""
        b = t.board.c
        query = sa.select(b.status, sa.func.count()).where(b.plan_key == plan_key).group_by(
            b.status)
        with self.rm.engine.connect() as conn:
            return {str(status): int(n) for status, n in conn.execute(query).tuples()}

    def column_count(self, plan_key: str, status: Status) -> int:
        """How many cards one status column of a plan's live board holds."""
        b = t.board.c
        query = sa.select(sa.func.count()).where(b.plan_key == plan_key, b.status == status.value)
        with self.rm.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def count_board(self, plan_key: str | None = None, *, owner: str | None = None,
                    unit: str | None = None, status: Any = None, phase: str | None = None,
                    goal: str | None = None, light: str | Sequence[str] | None = None,
                    q: str | None = None, include_cancelled: bool = False) -> int:
        """How many cards board() finds with these filters today, over all its pages."""
        with self.rm.engine.connect() as conn:
            return board_count(conn, self.today(), self.yellow_days, plan_key, owner=owner,
                               unit=unit, status=status, phase=phase, goal=goal,
                               light_is=light, q=q, include_cancelled=include_cancelled)

    def count_audit(self, **filters: Any) -> int:
        """How many audit rows match the filters (the whole trail's count is stored)."""
        wanted = {k: v for k, v in filters.items() if v is not None and v != ""}
        if not wanted:
            return int(self.chain_head()["count"])
        query = self._audit_query(**wanted).with_only_columns(sa.func.count())
        with self.rm.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def get_card(self, item_id: UUID | str) -> Row | None:
        """One card, or None."""
        key = _item_key(item_id)
        if key is None:
            return None
        known = self._names()
        with self.rm.engine.connect() as conn:
            return one_card(conn, key, self.today(), self.yellow_days, known)

    def item_title(self, item_id: UUID | str) -> str | None:
        """One item's title (what a link to it shows), or None."""
        key = _item_key(item_id)
        if key is None:
            return None
        with self.rm.engine.connect() as conn:
            return conn.execute(ITEM_TITLE, {"item_id": key}).scalar()  # type: ignore[no-any-return]

    def history(self, item_id: UUID | str, *, after: int | None = None,
                types: Collection[str] | None = None, besides: Collection[str] | None = None,
                last: bool = False, also: Collection[str] | None = None,
                changes: bool = True) -> list[Row]:
        """The item's timeline: who, when, what changed from what to what, and why, oldest
        first: its rows in the per-event table. Only part of it when asked (the database picks
        the entries, by the item's index): the entries after a version (``after``; ``also``:
        and those of these event types, whatever their version), of these event types
        (``types``) or of any other (``besides``); ``last``: only the latest such entry.
        ``changes``: what each event changed on the card (the card's version against the one
        before it), else an empty dict."""
        key = _item_key(item_id)
        if key is None:
            return []
        query = _history_statement(after is not None, None if types is None else frozenset(types),
                                   None if besides is None else frozenset(besides), last,
                                   None if also is None else frozenset(also))
        with self.rm.engine.connect() as conn:
            rows = conn.execute(query, {"item_id": key, "after": after}).all()
            changed = changes_of(conn, key, [r[4] for r in rows]) if changes and rows else {}
        return [{"seq": seq, "at": as_utc(at), "actor": actor, "event_type": event_type,
                 "version": version, "changes": changed.get(version, {}),
                 "reason": data.get("reason"), "note": data.get("note"),
                 "text": data.get("text"), "data": data}
                for seq, at, actor, event_type, version, data in rows]

    def audit(self, *, plan: str | None = None, item: UUID | str | None = None,
              actor: str | None = None, event_type: str | None = None,
              since: datetime | None = None, until: datetime | None = None, after_seq: int = 0,
              limit: int = 100) -> list[Row]:
        """Audit rows after a seq, in notification order (keyset paging)."""
        query = self._audit_query(plan=plan, item=item, actor=actor, event_type=event_type,
                                  since=since, until=until).where(
            t.audit.c.seq > after_seq).order_by(t.audit.c.seq).limit(limit)
        with self.rm.engine.connect() as conn:
            return [{**dict(r), "at": as_utc(r["at"])} for r in conn.execute(query).mappings()]

    @staticmethod
    def _audit_query(*, plan: str | None = None, item: UUID | str | None = None,
                     actor: str | None = None, event_type: str | None = None,
                     since: datetime | None = None,
                     until: datetime | None = None) -> sa.Select[Any]:
        a = t.audit.c
        query = sa.select(t.audit)
        for column, value in (("plan_key", plan), ("actor", actor), ("event_type", event_type),
                              ("aggregate_id", None if item is None else str(item))):
            if value is not None:
                query = query.where(a[column] == value)
        if since is not None:
            query = query.where(a.at >= naive_utc(since))
        if until is not None:
            query = query.where(a.at <= naive_utc(until))
        return query

    def chain_head(self, until: datetime | None = None, through: int | None = None) -> Row:
        """The audit chain's stored head, count and last seq (of the records up to until,
        or up to the seq through).

        Up to until means the trail up to the last event recorded by then, as the "as
        recorded" views cut it; the audit projection keeps each record's running head."""
        a = t.audit.c
        last = sa.select(sa.func.max(a.seq))
        if until is not None:
            last = last.where(a.at <= naive_utc(until))
        if through is not None:
            last = last.where(a.seq <= through)
        query = sa.select(a.seq, a.chain_hash, a.chain_count).where(
            a.seq == last.scalar_subquery())
        with self.rm.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return {"chain_head": GENESIS, "seq": None, "count": 0}
        return {"chain_head": row.chain_hash, "seq": int(row.seq), "count": int(row.chain_count)}

    def audit_page(self, filters: dict[str, Any], sort: AuditSort, *, after: int | None = None,
                   before: int | None = None, limit: int = 50) -> AuditPage:
        """A page of the audit table in the sort's order, paged both ways, with the total."""
        with self.rm.engine.connect() as conn:
            return audit_page(conn, filters, sort, after=after, before=before, limit=limit)

    def iter_audit(self, **filters: Any) -> Iterator[Row]:
        """Every matching audit row, fetched in batches."""
        after = int(filters.pop("after_seq", 0))
        filters.pop("limit", None)
        while True:
            rows = self.audit(after_seq=after, limit=AUDIT_BATCH, **filters)
            yield from rows
            if len(rows) < AUDIT_BATCH:
                return
            after = rows[-1]["seq"]

    def iter_audit_records(self, **filters: Any) -> Iterator[Row]:
        """Every matching audit row as the record the export chains, read in batches
        straight from the driver (what export_record makes of iter_audit's rows)."""
        return read_records(self.rm.engine, AUDIT_BATCH, **filters)

    def iter_audit_members(self, **filters: Any) -> Iterator[dict[str, str]]:
        """The records of iter_audit_records, each as its members' canonical texts, data's
        as the audit projection keeps it: what the JSON Lines export writes."""
        return read_members(self.rm.engine, AUDIT_BATCH, **filters)

    def ledger(self, plan_key: str | None = None, person: str | None = None,
               as_of: datetime | AsOf | None = None) -> list[Row]:
        """One dict per person with the ledger's figures and the items behind each."""
        if as_of is None:
            with self.rm.engine.connect() as conn:
                return ledger_rows(conn, self.today(), plan_key, person)
        view = self._view(as_of)
        with self.rm.engine.connect() as conn:
            return figures(conn, view.day, person, *ledger_inputs(conn, view, plan_key, person))

    def units(self, plan_key: str | None = None) -> list[Row]:
        """Each unit with its liaisons, items led and supported, and their lights."""
        today = self.today()
        with self.rm.engine.connect() as conn:
            units = [dict(r) for r in conn.execute(
                sa.select(t.units).order_by(t.units.c.key)).mappings()]
            b = t.board.c
            query = sa.select(b.lead_unit, b.units, *(b[c] for c in LIGHT_COLUMNS)).where(
                b.status != Status.CANCELLED.value)
            if plan_key is not None:
                query = query.where(t.board.c.plan_key == plan_key)
            led: dict[str, int] = {}
            supported: dict[str, int] = {}
            lights: dict[str, dict[str, int]] = {}
            for item in conn.execute(query).mappings():  # one pass over the rows
                lead = item["lead_unit"]
                led[lead] = led.get(lead, 0) + 1
                for key in set(item["units"]):
                    supported[key] = supported.get(key, 0) + 1
                colour = row_light(item, today, self.yellow_days)
                if colour:
                    counts = lights.setdefault(lead, {"red": 0, "yellow": 0, "green": 0})
                    counts[colour] += 1
        return [{"key": u["key"], "name": u["name"], "liaisons": list(u["liaisons"]),
                 "items_led": led.get(u["key"], 0), "items_supported": supported.get(u["key"], 0),
                 "lights": dict(lights.get(u["key"], {"red": 0, "yellow": 0, "green": 0}))}
                for u in units]

    def find_items(self, plan_key: str, text: str, limit: int,
                   chosen: str | None = None) -> tuple[list[Row], Row | None, bool]:
        """A plan's items whose title or key contains the text (any case), by title, at most
        ``limit`` (cancelled ones left out); the chosen item's own row; whether more matched.
        Reads only what it shows: never the whole plan."""
        b = t.board.c
        query = sa.select(b.key, b.title).where(b.plan_key == plan_key,
                                                b.status != Status.CANCELLED.value)
        wanted = text.strip().casefold()
        if wanted:
            query = query.where(sa.or_(sa.func.lower(b.title).contains(wanted, autoescape=True),
                                       sa.func.lower(b.key).contains(wanted, autoescape=True)))
        with self.rm.engine.connect() as conn:
            rows = [{"key": r.key, "name": r.title} for r in
                    conn.execute(query.order_by(b.title, b.key).limit(limit + 1))]
            own = None
            if chosen:
                found = conn.execute(sa.select(b.key, b.title).where(
                    b.plan_key == plan_key, b.key == chosen)).first()
                own = {"key": found.key, "name": found.title} if found is not None else None
        return rows[:limit], own, len(rows) > limit

    def directory(self) -> Directory:
        """Every person and unit, read-only, from this process's copy (re-read only when the
        directory changed): names for display and the pickers' searches. Within a caller's
        scope (``scope``) it is read once; the caller forgets it when it applies events."""
        memo = self.scope()
        if memo is None:
            return self._directory.get()
        found = memo.get("directory")
        if found is None:
            found = memo["directory"] = self._directory.get()
        return found  # type: ignore[no-any-return]

    def _names(self) -> tuple[Mapping[str, str], Mapping[str, str]]:
        """People's and units' names as the directory holds them (no query within a
        request that read it already)."""
        directory = self.directory()
        return directory.people_names, directory.unit_names

    def unit_list(self) -> list[Row]:
        """Every unit's key, name and liaisons, by key (no item counts: cheap for forms)."""
        return [{**u, "liaisons": list(u["liaisons"])} for u in self.directory().units]

    def people(self) -> list[Row]:
        """Everyone who can own, review or act."""
        return [dict(p) for p in self.directory().people]

    def head(self) -> int:
        """The store's largest notification id."""
        return self.rm.head()
