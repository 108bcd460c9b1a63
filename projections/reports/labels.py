"""Names of report columns, grades, directions, statuses and lights (marked, not translated)."""

from __future__ import annotations

from projections.handovers import DIRECTION_LABELS
from projections.reports.i18n import Lang
from tracker.domain.status import STATUS_LABELS
from tracker.errors import N_ as _l

COLUMN = {
    "name": _l("Person"), "owned": _l("Owned"),
    "done": _l("Done"),  # not a status: a figure
    "done_on_time": _l("Done on time"), "done_late": _l("Done late (due date in force)"),
    "done_on_time_original": _l("Done on time (original due date)"),
    "done_late_original": _l("Done late (original due date)"), "open": _l("Open"),
    "overdue": _l("Open overdue"), "overdue_days": _l("Days overdue"),
    "reassigned_to": _l("Reassigned to them"), "reassigned_away": _l("Reassigned away"),
    "extensions_requested": _l("Extensions requested"),
    "extensions_granted": _l("Extensions granted"),
    "extensions_refused": _l("Extensions refused"),
    "deadline_changes": _l("Deadline changes"),
    "deliverable_changes": _l("Deliverable changes"), "returned": _l("Completions returned"),
    "chased": _l("Chases received"), "reports_missed": _l("Progress reports missed"),
    "on_time_rate": _l("On-time rate (%)"),
}
GRADE = {"advanced": _l("Advanced"), "good": _l("Good"), "average": _l("Average"),
         "lagging": _l("Lagging")}
DIRECTION = {"up": _l("Moved up"), "down": _l("Moved down")}
CRITERION = {"leadership": _l("Leadership team"), "membership": _l("Membership"),
             "mechanisms": _l("Working mechanisms"), "results": _l("Results"),
             "reputation": _l("Reputation")}

NOMINATION = {"unit": _l("Advanced unit"), "person": _l("Outstanding member")}


def nomination(t: Lang, kind: str | None) -> str:
    """What a nomination puts someone forward as, in the current language."""
    found = NOMINATION.get(kind)  # type: ignore[arg-type]
    return t(found) if found else str(kind or "")


def criterion(t: Lang, key: str | None) -> str:
    """A grading criterion's name in the current language."""
    found = CRITERION.get(key)  # type: ignore[arg-type]
    return t(found) if found else str(key or "")


def column(t: Lang, key: str | None) -> str:
    """A column's name in the current language."""
    found = COLUMN.get(key)  # type: ignore[arg-type]
    return t(found) if found else str(key or "")


def grade(t: Lang, key: str | None) -> str:
    """A grade's name in the current language."""
    found = GRADE.get(key)  # type: ignore[arg-type]
    return t(found) if found else str(key or "")


def direction(t: Lang, key: str | None) -> str:
    """Up or down, in the current language."""
    found = DIRECTION.get(key)  # type: ignore[arg-type]
    return t(found) if found else str(key or "")


def handover(t: Lang, key: str) -> str:
    """Took over 接手 or handed over 移交, in the current language."""
    found = DIRECTION_LABELS.get(key)
    return t(found) if found else key


LIGHT = {"red": _l("Red"), "yellow": _l("Yellow"), "green": _l("Green")}


def status(t: Lang, key: str | None) -> str:
    """An item status in the document's language."""
    found = STATUS_LABELS.get(key)  # type: ignore[call-overload]
    return t(found) if found else ""


def light(t: Lang, key: str | None) -> str:
    """A light's word (红灯 / Red) in the document's language; '' for a closed item."""
    found = LIGHT.get(key or "")
    return t(found) if found else ""
