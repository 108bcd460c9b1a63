"""The plan overview (goals, phases on a timeline, progress, overdue) and "My work"."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort

from tracker.domain.status import OPEN_STATUSES
from web.auth import login_required
from web.board import bp
from web.board.roles import leadership_view
from web.items.ui import actor, render
from web.reports.calendar_feed import feed_url
from web.services import services

LIGHT_ORDER = ("red", "yellow", "green")
WIDTH = 1000  # the timeline's SVG user units


def _x(day: date, starts: date, days: int) -> int:
    """Where a day sits on the timeline, in SVG units, clamped to the plan."""
    return max(0, min(WIDTH, round(WIDTH * (day - starts).days / days)))


def timeline(plan: dict[str, Any], today: date) -> dict[str, Any]:
    """Phase bars positioned on the plan's period (SVG attributes: no inline styles needed)."""
    starts, ends = plan["starts"], plan["ends"]
    days = max(1, (ends - starts).days + 1)
    bars = []
    for row, phase in enumerate(plan["progress"]["phases"]):
        x = _x(phase["starts"], starts, days)
        width = max(4, _x(phase["ends"], starts, days) + round(WIDTH / days) - x)
        inside = x + width > WIDTH * 0.7  # long bars near the end carry their label inside
        bars.append({**phase, "x": x, "y": 8 + row * 34, "width": width,
                     "done_width": round(width * phase["percent_done"] / 100),
                     "label_x": x + 8 if inside else x + width + 8, "label_inside": inside})
    marker = _x(today, starts, days) if starts <= today <= ends else None
    return {"bars": bars, "today_x": marker, "height": 16 + 34 * len(bars), "width": WIDTH}


def overview_context(plan_key: str, lead: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the overview page shows: the plan, its timeline and its roles."""
    plan = services().queries.get_plan(plan_key)
    if plan is None:
        abort(404)
    today = services().tracker.today()
    return {"plan": plan, "today": today, "timeline": timeline(plan, today),
            "plans": services().queries.list_plans(),
            "lead": lead or leadership_view(plan_key)}


@bp.get("/plans/<plan_key>")
@login_required
def plan_overview(plan_key: str) -> tuple[str, int]:
    """A plan at a glance: goals and phases with progress bars and overdue counts, and who
    holds which role in it."""
    return render("board/overview.html", "board/_overview.html", **overview_context(plan_key))


@bp.get("/my-work")
@login_required
def my_work() -> tuple[str, int]:
    """The signed-in person's open items, grouped by light, the soonest due first."""
    person = actor().person
    queries = services().queries
    plans = {p["key"]: p for p in queries.list_plans()}
    cards: list[dict[str, Any]] = []
    if person:
        for key in plans:
            cards += [c for c in queries.board(key, answering=person)
                      if c["status"] in OPEN_STATUSES]
    cards.sort(key=lambda c: (c["due"], c["title"]))
    groups = [(light, [c for c in cards if c["light"] == light]) for light in LIGHT_ORDER]
    return render("board/my_work.html", "board/_my_work.html", person=person, plans=plans,
                  groups=[g for g in groups if g[1]], total=len(cards),
                  calendar=feed_url(person) if person else None)
