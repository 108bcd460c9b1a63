"""Plans, people and units: the reference data the board and reports name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from projections import tables as t
from projections.base import Projection
from projections.events import Envelope, jsonable
from projections.rows import get_row, insert_row, update_row

Handler = Callable[[sa.Connection, Envelope], None]


def handle(conn: sa.Connection, env: Envelope) -> None:
    """Apply one Plan, Unit or Person event."""
    handler = HANDLERS.get(f"{env.aggregate_type}.{env.event_type}")
    if handler is not None:
        handler(conn, env)


def _update(table: sa.Table, conn: sa.Connection, env: Envelope, **values: Any) -> None:
    if table is not t.plans:  # people and units carry the seq that last changed them
        values["seq"] = env.seq
    update_row(conn, table, values, id=env.aggregate_id)


def _plan_created(conn: sa.Connection, env: Envelope) -> None:
    f = env.fields
    insert_row(conn, t.plans, {
        "key": f["key"], "id": env.aggregate_id, "title": f["title"], "starts": f["starts"],
        "ends": f["ends"], "description": f["description"], "goals": jsonable(f["goals"]),
        "phases": jsonable(f["phases"]),
    })


def _goal(env: Envelope) -> dict[str, Any]:
    goal = {"key": env.fields["key"], "title": env.fields["title"]}
    if env.fields.get("leader"):
        goal["leader"] = env.fields["leader"]
    return goal


def _plan_edited(conn: sa.Connection, env: Envelope) -> None:
    _update(t.plans, conn, env, **{k: v[1] for k, v in env.fields["changes"].items()})


def _set_in_list(items: list[dict[str, Any]], new: dict[str, Any]) -> list[dict[str, Any]]:
    if any(i["key"] == new["key"] for i in items):
        return [dict(new) if i["key"] == new["key"] else i for i in items]
    return [*items, dict(new)]


def _plan_list_set(column: str, make: Callable[[Envelope], dict[str, Any]]) -> Handler:
    def apply(conn: sa.Connection, env: Envelope) -> None:
        plan = get_row(conn, t.plans, id=env.aggregate_id)
        if plan is not None:
            _update(t.plans, conn, env, **{column: _set_in_list(list(plan[column]), make(env))})
    return apply


def _person_created(conn: sa.Connection, env: Envelope) -> None:
    f = env.fields
    insert_row(conn, t.people, {"key": f["key"], "id": env.aggregate_id, "name": f["name"],
                                "role": f["role"], "active": True, "seq": env.seq,
                                "created_seq": env.seq})


def _unit_created(conn: sa.Connection, env: Envelope) -> None:
    f = env.fields
    insert_row(conn, t.units, {"key": f["key"], "id": env.aggregate_id, "name": f["name"],
                               "liaisons": list(f["liaisons"]), "seq": env.seq,
                               "created_seq": env.seq})


def _set(table: sa.Table, column: str, field: str | None = None, value: Any = None) -> Handler:
    def apply(conn: sa.Connection, env: Envelope) -> None:
        new = jsonable(env.fields[field]) if field else value
        _update(table, conn, env, **{column: new})
    return apply


HANDLERS: dict[str, Handler] = {
    "Plan.Created": _plan_created,
    "Plan.Edited": _plan_edited,
    "Plan.GoalSet": _plan_list_set("goals", _goal),
    "Plan.PhaseSet": _plan_list_set("phases", lambda e: jsonable(e.fields["phase"])),
    "Person.Created": _person_created,
    "Person.Renamed": _set(t.people, "name", "name"),
    "Person.RoleChanged": _set(t.people, "role", "role"),
    "Person.UnitSet": _set(t.people, "unit", "unit"),
    "Person.Deactivated": _set(t.people, "active", value=False),
    "Person.Reactivated": _set(t.people, "active", value=True),
    "Unit.Created": _unit_created,
    "Unit.Renamed": _set(t.units, "name", "name"),
    "Unit.LiaisonsSet": _set(t.units, "liaisons", "liaisons"),
    "Unit.ContactSet": _set(t.units, "contact", "contact"),
    "Unit.ParentSet": _set(t.units, "parent", "parent"),
}

PROJECTION = Projection("directory", (t.plans, t.people, t.units), handle)
