"""Translated names of the report's columns, grades and directions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

COLUMN = {
    "person": _l("Key"), "name": _l("Person"), "owned": _l("Owned"),
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


def nomination(kind: str) -> str:
    """What a nomination puts someone forward as, in the current language."""
    return str(NOMINATION.get(kind, kind))


def criterion(key: str) -> str:
    """A grading criterion's name in the current language."""
    return str(CRITERION.get(key, key))


def column(key: str) -> str:
    """A column's name in the current language."""
    return str(COLUMN.get(key, key))


def grade(key: str) -> str:
    """A grade's name in the current language."""
    return str(GRADE.get(key, key))


def direction(key: str) -> str:
    """Up or down, in the current language."""
    return str(DIRECTION.get(key, key))
