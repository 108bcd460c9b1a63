"""The plan's order: people by rank in the leadership group, units as the plan lists them."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from projections import tables as t
from projections.engine import ReadModels

Row = dict[str, Any]
ROLE_RANK = {"group_leader": 0, "deputy": 1, "member": 2}
LAST = sys.maxsize  # after every creation: the place of a key the directory does not hold


def _created(rm: ReadModels, table: sa.Table) -> dict[str, tuple[int, str]]:
    """Each key's place in the log (the event that created it): the order in which the plan
    listed it. One query, whatever the directory's size or the store's history."""
    with rm.engine.connect() as conn:
        rows = conn.execute(sa.select(table.c.key, table.c.created_seq)).all()
    return {key: (int(created), key) for key, created in rows}


def people_rank(rm: ReadModels) -> dict[str, tuple[int, int, str]]:
    """Sort keys: group leader, deputies, members, then others; the plan's order within."""
    with rm.engine.connect() as conn:
        rows = conn.execute(sa.select(t.people.c.key, t.people.c.role,
                                      t.people.c.created_seq)).all()
    return {key: (ROLE_RANK.get(role, 3), int(created), key) for key, role, created in rows}


def unit_rank(rm: ReadModels) -> dict[str, tuple[int, str]]:
    """Sort keys for units: the order the plan listed them."""
    return _created(rm, t.units)


def by_rank(rm: ReadModels, rows: Iterable[Row], field: str = "person") -> list[Row]:
    """Rows sorted by their person's rank (unknown people last, by key)."""
    rank = people_rank(rm)
    return sorted(rows, key=lambda r: rank.get(r[field], (9, LAST, str(r[field]))))


def by_unit_order(rm: ReadModels, rows: Iterable[Row], field: str = "key") -> list[Row]:
    """Rows sorted by their unit's place in the plan."""
    rank = unit_rank(rm)
    return sorted(rows, key=lambda r: rank.get(r[field], (LAST, str(r[field]))))
