"""Board settings: the plan's column limits (在制品上限) and saved views (named filter sets)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from tracker.domain.wip import WIP_COLUMNS
from tracker.errors import TrackerError
from tracker.permissions import allowed
from tracker.savedviews import may_delete, may_save
from web.auth import login_required
from web.board import bp
from web.board.filters import BoardFilters
from web.board.views import board_answer, load_plan
from web.extensions import translate_error
from web.items.ui import actor, current_url, wants_fragment
from web.services import services

VIEW_PREFIX = "f_"  # the saved view's filters travel as f_owner, f_unit … beside its name


def may_set_limits(plan_key: str) -> bool:
    """Whether the signed-in user may set the plan's column limits (the rule is the domain's)."""
    leadership = services().tracker.leadership(plan_key)
    return allowed(actor(), "wip-limits", leadership=leadership)


def may_share_views(plan_key: str) -> bool:
    """Whether the signed-in user may save views everyone sees."""
    leadership = services().tracker.leadership(plan_key)
    return allowed(actor(), "share-view", leadership=leadership)


@bp.app_context_processor
def settings_helpers() -> dict[str, Any]:
    """What the board's settings and saved views need to decide what to offer."""
    return {"may_set_limits": may_set_limits, "may_share_views": may_share_views,
            "wip_columns": [s.value for s in WIP_COLUMNS], "view_prefix": VIEW_PREFIX,
            "saved_views": lambda plan_key: services().saved_views.list(plan_key, actor()),
            "may_save_view": lambda: may_save(actor()),
            "may_delete_view": lambda view: may_delete(actor(), view)}


@bp.post("/plans/<plan_key>/board/limits")
@login_required
def set_limits(plan_key: str) -> Response | tuple[str, int]:
    """Set the board's column limits and whether a move into a full column is refused."""
    load_plan(plan_key)
    limits = {s.value: request.form.get(f"limit_{s.value}", "").strip() for s in WIP_COLUMNS}
    enforced = request.form.get("enforced") in ("1", "on", "true")
    svc = services()
    try:
        result = svc.tracker.set_wip_limits(actor(), plan_key, limits=limits, enforced=enforced)
    except TrackerError as error:
        return board_answer(plan_key, BoardFilters(), error.status,
                            limits_error=translate_error(error), limits_form=request.form)
    svc.sync(result)
    flash(_("The column limits are saved."), "success")
    return redirect(url_for("board.plan_board", plan_key=plan_key))


def _answer(plan_key: str, filters: BoardFilters, status: int = 200,
            **extra: Any) -> Response | tuple[str, int]:
    """The board fragment for htmx, else back to the board (Post/Redirect/Get)."""
    if wants_fragment() or status >= 400:
        return board_answer(plan_key, filters, status, **extra)
    for text in extra.values():
        flash(text, "success")
    return redirect(url_for("board.plan_board", plan_key=plan_key, **filters.args()))


@bp.post("/plans/<plan_key>/views")
@login_required
def save_view(plan_key: str) -> Response | tuple[str, int]:
    """Save the board's current filters under a name (for oneself, or shared for the plan)."""
    load_plan(plan_key)
    given = MultiDict([(k[len(VIEW_PREFIX):], v) for k, v in request.form.items(multi=True)
                       if k.startswith(VIEW_PREFIX)])
    shown = BoardFilters.from_url(current_url()) if current_url() else None
    filters = BoardFilters.from_args(given).live()
    shared = request.form.get("shared") in ("1", "on", "true")
    leadership = services().tracker.leadership(plan_key)
    try:
        view = services().saved_views.add(actor(), plan_key, request.form.get("name", ""),
                                          filters.args(), shared, leadership)
    except TrackerError as error:
        return _answer(plan_key, shown or filters, error.status,
                       view_error=translate_error(error), view_name=request.form.get("name", ""))
    return _answer(plan_key, shown or filters,
                   notice=_("The view “%(name)s” is saved.", name=view["name"]))


@bp.post("/plans/<plan_key>/views/<view_id>/delete")
@login_required
def delete_view(plan_key: str, view_id: str) -> Response | tuple[str, int]:
    """Delete a saved view (its owner; an administrator also a shared one)."""
    load_plan(plan_key)
    if not (view_id.isascii() and view_id.isdigit() and len(view_id) <= 9):
        abort(404)
    filters = BoardFilters.from_url(current_url()).live()
    try:
        view = services().saved_views.delete(actor(), int(view_id), plan_key)
    except TrackerError as error:
        return _answer(plan_key, filters, error.status, view_error=translate_error(error))
    return _answer(plan_key, filters, notice=_("The view “%(name)s” is deleted.",
                                               name=view["name"]))
