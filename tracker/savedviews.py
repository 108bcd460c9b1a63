"""Saved views of a plan's board: named filter sets, personal (seen by their owner only) or
shared (made by the plan's leadership or an administrator, seen by everyone).

They are state of their own, like accounts: a table that rebuilding the read models leaves
alone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from tracker.domain.base import clean_title
from tracker.errors import N_, NotFoundError, PermissionDeniedError, ValidationError
from tracker.permissions import Actor, authorize

MAX_VIEWS = 50  # personal views per person and plan, and shared views per plan
MAX_ARGS = 20

metadata = sa.MetaData()
views_table = sa.Table(
    "saved_views", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan_key", sa.String(200), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("filters", sa.JSON, nullable=False),
    sa.Column("owner", sa.String(200), nullable=False),  # the account's login
    sa.Column("shared", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_saved_views_plan", "plan_key", "shared", "owner"),
)


class DuplicateViewError(ValidationError):
    """A view of this name exists already where the new one would be listed."""

    code = "duplicate"
    status = 409


def check_filters(filters: Any) -> dict[str, str]:
    """The filter set as {argument: value} strings (a board URL's query)."""
    if not isinstance(filters, dict) or len(filters) > MAX_ARGS or not all(
            isinstance(k, str) and isinstance(v, str) and len(k) <= 40 and len(v) <= 200
            for k, v in filters.items()):
        raise ValidationError(N_("%(field)s must be an object."), field="filters")
    return dict(sorted(filters.items()))


def may_save(actor: Actor) -> bool:
    """Whether the actor may save views at all (a viewer only reads)."""
    return bool(actor.login) and actor.role != "viewer"


def may_delete(actor: Actor, view: dict[str, Any]) -> bool:
    """Whether the actor may delete the view: its owner, or an administrator a shared one."""
    return view["owner"] == actor.login or (bool(view["shared"]) and actor.role == "admin")


class SavedViews:
    """The saved-view table and the only code that touches it."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def create_tables(self) -> None:
        """Create the table when missing."""
        metadata.create_all(self.engine)

    def list(self, plan_key: str, actor: Actor) -> list[dict[str, Any]]:
        """The shared views of the plan, then the actor's own, each by name."""
        v = views_table.c
        query = sa.select(views_table).where(
            v.plan_key == plan_key, sa.or_(v.shared.is_(True), v.owner == actor.login)
        ).order_by(v.shared.desc(), v.name, v.id)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def add(self, actor: Actor, plan_key: str, name: Any, filters: Any, shared: bool = False,
            leadership: dict[str, str] | None = None) -> dict[str, Any]:
        """Save a named filter set (shared: the plan's leadership or an administrator)."""
        if not may_save(actor):
            raise PermissionDeniedError(N_("Viewers can only read."))
        if shared:
            authorize(actor, "share-view", leadership=leadership)
        name = clean_title(name, "name")
        filters = check_filters(filters)
        v = views_table.c
        same_list = (v.shared.is_(True) if shared
                     else sa.and_(v.shared.is_(False), v.owner == actor.login))
        with self.engine.begin() as conn:
            rows = conn.execute(sa.select(v.name).where(v.plan_key == plan_key, same_list))
            names = {n for (n,) in rows}
            if name in names:
                raise DuplicateViewError(N_("A view named %(key)s exists already."), key=name)
            if len(names) >= MAX_VIEWS:
                raise ValidationError(N_("At most %(max)s views can be saved here."),
                                      max=MAX_VIEWS)
            new_id = conn.execute(views_table.insert().values(
                plan_key=plan_key, name=name, filters=filters, owner=actor.login,
                shared=bool(shared), created_at=datetime.now(UTC).replace(tzinfo=None),
            )).inserted_primary_key[0]  # type: ignore[index]
        return {"id": new_id, "plan_key": plan_key, "name": name, "filters": filters,
                "owner": actor.login, "shared": bool(shared)}

    def delete(self, actor: Actor, view_id: int, plan_key: str | None = None) -> dict[str, Any]:
        """Delete a view: its owner may (and an administrator, a shared one)."""
        v = views_table.c
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(views_table).where(v.id == view_id)).mappings().first()
            if row is None or (not row["shared"] and row["owner"] != actor.login) or (
                    plan_key is not None and row["plan_key"] != plan_key):
                raise NotFoundError(N_("This saved view does not exist (any more)."))
            if not may_delete(actor, dict(row)):
                raise PermissionDeniedError(N_("Only the one who saved this view can delete it."))
            conn.execute(views_table.delete().where(v.id == view_id))
        return dict(row)
