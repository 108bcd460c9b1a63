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
from web.board.model import CardSource, Lane, build_board
from web.items.forms import plan_roles
from web.items.ui import actor, plan_info, render, wants_fragment
from web.services import services


def load_plan(plan_key: str) -> dict[str, Any]:
    """The plan (goals, phases) or 404."""
    plan = plan_info(plan_key)
    if plan is None:
        abort(404)
    return plan


def wip(plan_key: str, readonly: bool) -> dict[str, Any]:
    """The plan's column limits and how full each column is now (none on a past board)."""
    plan = services().tracker.get_plan(plan_key)
    limits = {} if readonly else plan.wip_limits
    counts = services().queries.column_counts(plan_key) if limits else {}
    over = {s for s, limit in limits.items() if counts.get(s, 0) > limit}
    full = {s for s, limit in limits.items() if counts.get(s, 0) == limit}
    return {"limits": limits, "enforced": plan.wip_enforced, "counts": counts, "over": over,
            "full": full, "leadership": services().tracker.leadership(plan_key)}


def board_context(plan: dict[str, Any], filters: BoardFilters, **extra: Any) -> dict[str, Any]:
    """What the board templates need."""
    queries = services().queries
    me = actor()
    readonly = filters.as_of is not None
    view = queries.past(filters.as_of, filters.basis or None, plan["key"])
    directory = queries.directory()
    limits = wip(plan["key"], readonly)
    return {
        "wip": limits, "plain": not filters.lane and not filters.query() and not filters.queue,
        "view": view, "plan_starts": plan.get("starts"),
        "plan": plan, "plans": queries.list_plans(), "filters": filters,
        "readonly": readonly,
        "lights": LIGHTS, "lane_kinds": LANES, "today": services().tracker.today(),
        "movable": (lambda card: not readonly and can_move(me, card)),
        "move_targets": STATUSES, "next_status": NEXT,
        "can_create": allowed(me, "create", leadership=plan_roles(plan["key"])),
        "conflict": None, "at_card": None,  # a move's answer by its card (web.board.moves)
        "people": directory.people_names,  # the conflict's names and values
        "units": directory.unit_names,
        "phases": {p["key"]: p["title"] for p in plan["phases"]},
        "goals": {g["key"]: g["title"] for g in plan["goals"]},
        "message": None, "notice": None, "dialog": None, **extra,
    }


def card_slot(lanes: list[Lane], item_id: str | None) -> dict[str, Any] | None:
    """Where a move's answer (refusal, form, conflict) goes: after the card's first showing."""
    for lane in lanes:
        for col in lane.columns:
            if any(card["id"] == item_id for card in col.cards):
                return {"id": item_id, "column": col}
    return None  # filtered out or not on this page: the answer goes at the top of the board


def board_answer(plan_key: str, filters: BoardFilters, status: int = 200,
                 moved: str | None = None, **extra: Any) -> tuple[str, int]:
    """The board page, or the #board fragment for htmx; a move's answer sits by its card."""
    plan = load_plan(plan_key)
    board = build_board(plan, filters)
    context = board_context(plan, filters, lanes=board.lanes, totals=board.totals,
                            board=board, at_card=card_slot(board.lanes, moved), **extra)
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
    lane_key = (request.args.get(filters.lane) or "") if filters.lane else ""
    col = CardSource(plan_key, filters).column(status, lane_key, int(offset))
    context = board_context(plan, filters, col=col)
    return render("board/column.html", "board/_cards.html", **context)


@bp.get("/plans/<plan_key>/board/lanes")
@login_required
def lanes(plan_key: str) -> tuple[str, int]:
    """The next page of swimlanes of a grouped board (htmx appends them)."""
    plan = load_plan(plan_key)
    filters = BoardFilters.from_args(request.args)
    offset = request.args.get("lane_offset", "0")
    if not (offset.isascii() and offset.isdigit() and len(offset) <= 6):
        abort(400)
    board = build_board(plan, filters, int(offset))
    context = board_context(plan, filters, lanes=board.lanes, totals=board.totals, board=board,
                            lane_offset=int(offset))
    return render("board/lanes.html", "board/_lanes.html", **context)
