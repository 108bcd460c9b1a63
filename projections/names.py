"""The directory (people and units) held per process and re-read only when it changed.

Its version is the largest ``seq`` of the people and units rows (the last event that created
or changed one of them): one cheap query tells whether the copy in memory is still current.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import islice
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa

from projections import tables as t

Row = Mapping[str, Any]


# Asked on every request that shows a name: built once.
VERSION = sa.select(sa.select(sa.func.max(t.people.c.seq)).scalar_subquery(),
                    sa.select(sa.func.max(t.units.c.seq)).scalar_subquery())


def directory_version(conn: sa.Connection) -> int:
    """The directory's version: the last event applied to any person or unit (0 when empty)."""
    row = conn.execute(VERSION).one()
    return max(int(row[0] or 0), int(row[1] or 0))


def _rank(row: Row, wanted: str) -> int | None:
    """How well a row matches a search (lower is better; None: not at all)."""
    name, key = row["name"].casefold(), row["key"].casefold()
    if wanted in (name, key):
        return 0
    if name.startswith(wanted):
        return 1
    if key.startswith(wanted):
        return 2
    if wanted in name or wanted in key:
        return 3
    return None


def search(rows: Iterable[Row], text: str, limit: int) -> tuple[list[Row], bool]:
    """At most ``limit`` rows whose name or key contains the text (any case), best first, and
    whether more matched. An empty text matches every row, in the directory's order."""
    wanted = text.strip().casefold()
    if not wanted:  # every row matches: the first ones, nothing ranked (forms open this way)
        first = list(islice(rows, limit + 1))
        return first[:limit], len(first) > limit
    ranked = heapq.nsmallest(limit + 1, ((rank, n, row) for n, row in enumerate(rows)
                                         if (rank := _rank(row, wanted)) is not None))
    return [row for _rank_, _n, row in ranked[:limit]], len(ranked) > limit


@dataclass(frozen=True)
class Directory:
    """Every person and unit at one version, by key; read-only, shared by every request."""

    version: int
    people: tuple[Row, ...]
    units: tuple[Row, ...]
    people_names: Mapping[str, str] = field(init=False)
    unit_names: Mapping[str, str] = field(init=False)
    _people: Mapping[str, Row] = field(init=False, repr=False)
    _units: Mapping[str, Row] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        people = {p["key"]: p for p in self.people}
        units = {u["key"]: u for u in self.units}
        set_ = object.__setattr__  # a frozen dataclass fills its derived fields once
        set_(self, "_people", MappingProxyType(people))
        set_(self, "_units", MappingProxyType(units))
        set_(self, "people_names", MappingProxyType({k: p["name"] for k, p in people.items()}))
        set_(self, "unit_names", MappingProxyType({k: u["name"] for k, u in units.items()}))

    def person(self, key: str | None) -> Row | None:
        """One person by key (active or not), or None."""
        return self._people.get(key) if key else None

    def unit(self, key: str | None) -> Row | None:
        """One unit by key, or None."""
        return self._units.get(key) if key else None

    def find_people(self, text: str, limit: int) -> tuple[list[Row], bool]:
        """Active people whose name or key contains the text, best first; whether more did."""
        return search((p for p in self.people if p["active"]), text, limit)

    def find_units(self, text: str, limit: int) -> tuple[list[Row], bool]:
        """Units whose name or key contains the text, best first; whether more did."""
        return search(self.units, text, limit)


def read_directory(conn: sa.Connection, version: int) -> Directory:
    """Every person and unit as the read models hold them now."""
    p, u = t.people.c, t.units.c
    people = conn.execute(sa.select(p.key, p.name, p.role, p.active, p.unit).order_by(p.key))
    units = conn.execute(sa.select(u.key, u.name, u.liaisons, u.contact, u.parent)
                         .order_by(u.key))
    return Directory(
        version,
        tuple(MappingProxyType(dict(r)) for r in people.mappings()),
        tuple(MappingProxyType({**r, "liaisons": tuple(r["liaisons"])}) for r in units.mappings()),
    )


class DirectoryCache:
    """One process's copy of the directory, re-read when its version moved."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._current: Directory | None = None

    def get(self) -> Directory:
        """The directory as of now (one query when nothing changed)."""
        with self.engine.connect() as conn:
            version = directory_version(conn)
            current = self._current
            if current is not None and current.version == version:
                return current
            # Rows read after the version was are never older than it, so never kept too long
            # (two threads re-reading at once both read the same rows: harmless).
            fresh = read_directory(conn, version)
            self._current = fresh
            return fresh
