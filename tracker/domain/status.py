"""An item's statuses and the light rule: the words every other layer uses, defined once."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from tracker.errors import N_


class Status(StrEnum):
    """Where a work item stands; the value is what events and read models store."""

    TODO = "todo"
    DOING = "doing"
    SUBMITTED = "submitted"
    DONE = "done"
    CANCELLED = "cancelled"


class Light(StrEnum):
    """An open item's red / yellow / green light (closed items have none)."""

    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"


STATUSES: tuple[Status, ...] = tuple(Status)
OPEN_STATUSES = (Status.TODO, Status.DOING, Status.SUBMITTED)
WORKING = (Status.TODO, Status.DOING)  # the owner still has work to do (and reports to make)
CLOSED = (Status.DONE, Status.CANCELLED)
EVERY_STATUS = frozenset(Status)
BOARD_COLUMNS = (Status.TODO, Status.DOING, Status.SUBMITTED, Status.DONE)
LIGHTS: tuple[Light, ...] = tuple(Light)
STATUS_LABELS = {Status.TODO: N_("To do"), Status.DOING: N_("In progress"),
                 Status.SUBMITTED: N_("Submitted"), Status.DONE: N_("Done"),
                 Status.CANCELLED: N_("Cancelled")}
LIGHT_LABELS = {Light.RED: N_("Overdue"), Light.YELLOW: N_("At risk"),
                Light.GREEN: N_("On track"), None: N_("Closed")}


def report_missed(status: str, cadence: int | None, last_report_on: date | None,
                  created_on: date, today: date) -> bool:
    """The report cadence was missed (never for a submitted or closed item)."""
    if status not in WORKING or not cadence:
        return False
    return (today - (last_report_on or created_on)).days > cadence


def light(status: str, due: date, today: date, yellow_days: int, cadence: int | None = None,
          last_report_on: date | None = None, created_on: date | None = None) -> Light | None:
    """None when closed; red when overdue; yellow when due soon or a report is missed."""
    if status in CLOSED:
        return None
    if today > due:
        return Light.RED
    if (due - today).days <= yellow_days:
        return Light.YELLOW
    if report_missed(status, cadence, last_report_on, created_on or today, today):
        return Light.YELLOW
    return Light.GREEN
