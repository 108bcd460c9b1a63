"""The plan's order: people by rank in the leadership group, units as the plan lists them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from projections import tables as t
from projections.engine import ReadModels

Row = dict[str, Any]
ROLE_RANK = {"group_leader": 0, "deputy": 1, "member": 2}
_LAST = datetime.max


def _created(rm: ReadModels, table: sa.Table) -> dict[str, tuple[datetime, str]]:
    """Each key's creation instant (its first event), the order in which the plan listed it."""
    with rm.engine.connect() as conn:
        rows = conn.execute(sa.select(table.c.id, table.c.key)).all()
    out = {}
    for aggregate_id, key in rows:
        first = list(rm.app.events.get(UUID(str(aggregate_id)), limit=1))
        when = first[0].timestamp.replace(tzinfo=None) if first else _LAST  # type: ignore[attr-defined]
        out[key] = (when, key)
    return out


def people_rank(rm: ReadModels) -> dict[str, tuple[int, datetime, str]]:
    """Sort keys: group leader, deputies, members, then others; the plan's order within."""
    with rm.engine.connect() as conn:
        roles: dict[str, str] = {k: r for k, r in conn.execute(
            sa.select(t.people.c.key, t.people.c.role)).all()}
    created = _created(rm, t.people)
    return {k: (ROLE_RANK.get(role, 3), *created.get(k, (_LAST, k))) for k, role in roles.items()}


def unit_rank(rm: ReadModels) -> dict[str, tuple[datetime, str]]:
    """Sort keys for units: the order the plan listed them."""
    return _created(rm, t.units)


def by_rank(rm: ReadModels, rows: Iterable[Row], field: str = "person") -> list[Row]:
    """Rows sorted by their person's rank (unknown people last, by key)."""
    rank = people_rank(rm)
    return sorted(rows, key=lambda r: rank.get(r[field], (9, _LAST, str(r[field]))))


def by_unit_order(rm: ReadModels, rows: Iterable[Row], field: str = "key") -> list[Row]:
    """Rows sorted by their unit's place in the plan."""
    rank = unit_rank(rm)
    return sorted(rows, key=lambda r: rank.get(r[field], (_LAST, str(r[field]))))
