"""Plans as dicts, and their progress per plan, goal and phase."""

from __future__ import annotations

from datetime import date
from typing import Any

from projections.events import to_date
from projections.lights import OPEN
from tracker.domain import STATUSES
from tracker.domain.status import Status

Row = dict[str, Any]


def plan_dict(row: Row) -> Row:
    """A plan row with its goals and phases (phase windows as dates)."""
    return {
        "key": row["key"], "title": row["title"], "starts": row["starts"], "ends": row["ends"],
        "description": row["description"], "organisation": row.get("organisation") or "",
        "goals": [{"key": g["key"], "title": g["title"], "leader": g.get("leader")}
                  for g in row["goals"]],
        "phases": [{"key": p["key"], "title": p["title"], "starts": to_date(p["starts"]),
                    "ends": to_date(p["ends"])} for p in row["phases"]],
    }


def stats(items: list[Row], today: date) -> Row:
    """Counts by status, percent done (of items not cancelled) and how many are overdue."""
    by_status = dict.fromkeys(STATUSES, 0)
    for item in items:
        by_status[item["status"]] = by_status.get(item["status"], 0) + 1
    live = len(items) - by_status[Status.CANCELLED]
    overdue = sum(1 for i in items if i["status"] in OPEN and today > i["due"])
    return {"total": live, "by_status": by_status, "done": by_status[Status.DONE],  # not a status
            "percent_done": round(100 * by_status[Status.DONE] / live) if live else 0,
            "overdue": overdue}


def progress(plan: Row, items: list[Row], today: date) -> Row:
    """Progress of the whole plan, of each goal and of each phase, and of the items that have
    no phase or no goal (never left out)."""
    phases = {p["key"] for p in plan["phases"]}
    goals = {g["key"] for g in plan["goals"]}
    return {
        "no_phase": stats([i for i in items if i["phase"] not in phases], today),
        "no_goal": stats([i for i in items if i["goal"] not in goals], today),
        "plan": stats(items, today),
        "goals": [{"key": g["key"], "title": g["title"],
                   **stats([i for i in items if i["goal"] == g["key"]], today)}
                  for g in plan["goals"]],
        "phases": [{"key": p["key"], "title": p["title"], "starts": p["starts"],
                    "ends": p["ends"], **stats([i for i in items if i["phase"] == p["key"]],
                                               today)}
                   for p in plan["phases"]],
    }
