"""A plan's roles as the plan page shows them: by name, by rank; the editor picks a person
by typing (web.pickers)."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import gettext as _

from tracker.domain.leadership import PLAN_ROLES, ROLE_LABELS
from tracker.errors import NotFoundError
from tracker.permissions import allowed
from web.items.ui import actor
from web.services import services


def role_label(role: str) -> str:
    """A plan role in the user's language (组长, 副组长, 成员, 督查室)."""
    return _(ROLE_LABELS[role]) if role in ROLE_LABELS else role


def leadership_view(plan_key: str, **extra: Any) -> dict[str, Any]:
    """Who holds which role in the plan (by name, by rank), and what the editor offers."""
    svc = services()
    try:
        plan = svc.tracker.get_plan(plan_key)
    except NotFoundError:
        abort(404)
    roles = svc.tracker.leadership(plan_key)  # recorded, or derived for an older plan
    names = svc.queries.directory().people_names
    rank = {r: n for n, r in enumerate(PLAN_ROLES)}
    entries = sorted(({"person": k, "name": names.get(k, k), "role": r}
                      for k, r in roles.items()), key=lambda e: (rank[e["role"]], e["name"]))
    return {"plan_key": plan_key, "version": plan.version, "entries": entries,
            "recorded": plan.leadership is not None, "roles": PLAN_ROLES,
            "may_edit": allowed(actor(), "plan"),
            "label": role_label, "error": None, "notice": None, "chosen": {}, **extra}
