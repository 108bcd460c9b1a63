"""The red / yellow / green light of a card, judged at query time."""

from __future__ import annotations

from datetime import date

from tracker.domain import OPEN_STATUSES as OPEN
from tracker.domain import STATUSES

CLOSED = tuple(s for s in STATUSES if s not in OPEN)
LIGHTS = ("red", "yellow", "green")
RANK = {None: 0, "green": 1, "yellow": 2, "red": 3}


def report_missed(status: str, cadence: int | None, last_report_on: date | None,
                  created_on: date, today: date) -> bool:
    """The report cadence was missed (never for a submitted item)."""
    if status not in ("todo", "doing") or not cadence:
        return False
    return (today - (last_report_on or created_on)).days > cadence


def light(status: str, due: date, today: date, yellow_days: int, cadence: int | None = None,
          last_report_on: date | None = None, created_on: date | None = None) -> str | None:
    """None when closed; red when overdue; yellow when due soon or a report is missed."""
    if status in CLOSED:
        return None
    if today > due:
        return "red"
    if (due - today).days <= yellow_days:
        return "yellow"
    if report_missed(status, cadence, last_report_on, created_on or today, today):
        return "yellow"
    return "green"


def worst(lights: list[str | None]) -> str | None:
    """The most alarming of several lights."""
    return max(lights, key=lambda value: RANK[value], default=None)
