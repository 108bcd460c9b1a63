"""The plan's leadership group and supervising office on the plan page: read by everyone,
edited by an administrator through the application's set_leadership command."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker.domain.leadership import with_role
from tracker.errors import ConflictError, TrackerError
from web.auth import login_required
from web.board import bp
from web.board.plans import overview_context
from web.board.roles import leadership_view
from web.extensions import translate_error
from web.items.forms import expected_version
from web.items.ui import actor, render, wants_fragment
from web.services import services


@bp.get("/plans/<plan_key>/leadership")
@login_required
def plan_leadership(plan_key: str) -> tuple[str, int]:
    """The plan's roles (the overview's section; the fragment for an htmx request)."""
    return _respond(plan_key, 200, leadership_view(plan_key))


@bp.post("/plans/<plan_key>/leadership")
@login_required
def change_leadership(plan_key: str) -> Response | tuple[str, int]:
    """Give, change or (with ``remove``) take away one person's role in the plan."""
    form = request.form
    person = (form.get("person") or "").strip()
    role = None if form.get("remove") else (form.get("role") or "").strip()
    svc = services()
    try:
        version = expected_version(form)
        current = leadership_view(plan_key)
        roles = with_role({e["person"]: e["role"] for e in current["entries"]}
                          if current["recorded"] else None, person, role)
        result = svc.tracker.set_leadership(actor(), plan_key, roles, version)
        svc.sync(result)
    except ConflictError as error:
        return _respond(plan_key, error.status, leadership_view(
            plan_key, error=translate_error(error), stale=True))
    except TrackerError as error:
        return _respond(plan_key, error.status, leadership_view(
            plan_key, error=translate_error(error), chosen={"person": person, "role": role}))
    if not wants_fragment():
        flash(_("The plan's roles were saved."), "success")
        return redirect(url_for("board.plan_overview", plan_key=plan_key) + "#leadership")
    return _respond(plan_key, 200, leadership_view(plan_key,
                                                   notice=_("The plan's roles were saved.")))


def _respond(plan_key: str, status: int, lead: dict[str, Any]) -> tuple[str, int]:
    """The section for an htmx request; the whole overview page around it otherwise."""
    context = {"lead": lead} if wants_fragment() else overview_context(plan_key, lead)
    return render("board/overview.html", "board/_leadership.html", status, **context)
