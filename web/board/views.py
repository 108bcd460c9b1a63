"""Board pages: the board of a plan (live or as of a past date) and a column's next page."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, request, url_for
from werkzeug.wrappers import Response

from tracker.domain.status import STATUSES
from tracker.permissions import allowed
from web.auth import login_required
from web.board import bp
from web.board.filters import LANES, LIGHTS, BoardFilters
from web.board.mapping import NEXT, can_move
from web.board.model import CardSource, build_lanes, column_totals
from web.items.forms import plan_roles
from web.items.ui import actor, plan_info, render, wants_fragment
from web.services import services


def load_plan(plan_key: str) -> dict[str, Any]:
    """The plan (goals, phases) or 404."""
    plan = plan_info(plan_key)
    if plan is None:
        abort(404)
    return plan


def board_context(plan: dict[str, Any], filters: BoardFilters, **extra: Any) -> dict[str, Any]:
    """What the board templates need."""
    queries = services().queries
    me = actor()
    readonly = filters.as_of is not None
    view = queries.past(filters.as_of, filters.basis or None, plan["key"])
    return {
        "view": view, "plan_starts": plan.get("starts"),
        "plan": plan, "plans": queries.list_plans(), "filters": filters,
        "readonly": readonly,
        "people_list": queries.people(), "units_list": queries.unit_list(),
        "lights": LIGHTS, "lane_kinds": LANES, "today": services().tracker.today(),
        "movable": (lambda card: not readonly and can_move(me, card)),
        "move_targets": STATUSES, "next_status": NEXT,
        "can_create": allowed(me, "create", leadership=plan_roles(plan["key"])),
        "message": None, "notice": None, "dialog": None, **extra,
    }


def board_answer(plan_key: str, filters: BoardFilters, status: int = 200,
                 **extra: Any) -> tuple[str, int]:
    """The board page, or the #board fragment for htmx."""
    plan = load_plan(plan_key)
    lanes = build_lanes(plan, filters)
    context = board_context(plan, filters, lanes=lanes, totals=column_totals(lanes), **extra)
    return render("board/board.html", "board/_board.html", status, **context)


@bp.get("/board")
@login_required
def board() -> Response | tuple[str, int]:
    """The board of the first plan (the filters in the URL are kept)."""
    plans = services().queries.list_plans()
    if not plans:
        return render("board/no_plan.html", "board/no_plan.html")
    args: dict[str, Any] = request.args.to_dict()
    return redirect(url_for("board.plan_board", plan_key=plans[0]["key"], **args))


@bp.get("/plans/<plan_key>/board")
@login_required
def plan_board(plan_key: str) -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    """A plan's board: To do, In progress, Submitted, Done; filters and lanes from the URL."""
    filters = BoardFilters.from_args(request.args)
    body, status = board_answer(plan_key, filters)
    if not wants_fragment():
        return body, status
    # The address bar shows only the filters in use, so a shared link stays short.
    return body, status, {"HX-Push-Url": url_for("board.plan_board", plan_key=plan_key,
                                                 **filters.args())}


@bp.get("/plans/<plan_key>/board/<status>")
@login_required
def column(plan_key: str, status: str) -> tuple[str, int]:
    """The next page of one column (htmx loads it when the column's end scrolls into view)."""
    plan = load_plan(plan_key)
    if status not in STATUSES:
        abort(404)
    filters = BoardFilters.from_args(request.args)
    offset = request.args.get("offset", "0")
    if not (offset.isascii() and offset.isdigit() and len(offset) <= 9):  # fits the database
        abort(400)
    lane = {k: request.args[k] for k in ("owner", "unit", "phase") if request.args.get(k)}
    col = CardSource(plan_key, filters).column(status, lane, int(offset))
    context = board_context(plan, filters, col=col)
    return render("board/column.html", "board/_cards.html", **context)
