"""Helpers the board and item pages share: page-or-fragment rendering, the actor, and the
translated names of statuses, lights, commands, fields and events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from babel.dates import format_datetime
from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from tracker.permissions import Actor
from web.auth import current_actor
from web.services import services

COLUMNS = ("todo", "doing", "submitted", "done")

STATUS = {
    "todo": _l("To do"), "doing": _l("In progress"), "submitted": _l("Submitted"),
    "done": _l("Done"), "cancelled": _l("Cancelled"),
}
LIGHT = {"red": _l("Overdue"), "yellow": _l("At risk"), "green": _l("On track"),
         None: _l("Closed")}
COMMAND = {
    "start": _l("Start"), "report": _l("Report progress"), "comment": _l("Comment"),
    "chase": _l("Chase"), "request-extension": _l("Request an extension"),
    "decide-extension": _l("Decide the extension"), "reassign": _l("Reassign"),
    "units": _l("Change units"), "reschedule": _l("Reschedule"),
    "submit": _l("Submit as complete"), "accept": _l("Accept"),
    "return": _l("Return for more work"), "cancel": _l("Cancel the item"),
    "reopen": _l("Reopen"), "edit": _l("Edit"),
}
FIELD = {
    "title": _l("Title"), "deliverable": _l("Deliverable"), "description": _l("Description"),
    "owner": _l("Responsible person"), "lead_unit": _l("Lead unit"),
    "units": _l("Supporting units"), "due": _l("Due date"), "original_due": _l("Original due date"),
    "status": _l("Status"), "phase": _l("Phase"), "goal": _l("Goal"), "percent": _l("Percent done"),
    "note": _l("Note"), "on": _l("Date"), "text": _l("Comment"), "new_due": _l("New due date"),
    "reason": _l("Reason"), "grant": _l("Decision"), "outcome": _l("Outcome"),
    "evidence": _l("Evidence (one link or file name per line)"), "key": _l("Key"),
    "parent": _l("Part of"), "report_every_days": _l("Report every (days)"),
    "last_report_on": _l("Last report"), "pending_due": _l("Requested due date"),
    "returns": _l("Returned"), "chases": _l("Chased"), "version": _l("Version"),
    "last_activity": _l("Last activity"),
}
EVENT = {
    "Created": _l("created the item"), "Edited": _l("edited"), "Commented": _l("commented"),
    "Started": _l("started work"), "ProgressReported": _l("reported progress"),
    "Chased": _l("chased"), "ExtensionRequested": _l("requested an extension"),
    "ExtensionGranted": _l("granted the extension"),
    "ExtensionRefused": _l("refused the extension"), "Rescheduled": _l("rescheduled"),
    "Reassigned": _l("reassigned"), "UnitsChanged": _l("changed the units"),
    "CompletionSubmitted": _l("submitted the completion"), "Accepted": _l("accepted"),
    "Returned": _l("returned it for more work"), "Cancelled": _l("cancelled the item"),
    "Reopened": _l("reopened the item"), "Reminded": _l("was reminded"),
    "Undone": _l("undid a change"), "EvidenceAttached": _l("attached a file"),
}


def wants_fragment() -> bool:
    """The one place that reads HX-*: an htmx swap gets a fragment, anything else a page."""
    headers = request.headers
    return (headers.get("HX-Request") == "true"
            and headers.get("HX-History-Restore-Request") != "true"
            and headers.get("HX-Boosted") != "true")


def current_url() -> str | None:
    """The browser's address when htmx sent the request (None for plain requests)."""
    return request.headers.get("HX-Current-URL") if wants_fragment() else None


def render(page: str, fragment: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """The full page for a plain request, the fragment for an htmx request to the same URL."""
    return render_template(fragment if wants_fragment() else page, **context), status


def actor() -> Actor:
    """The signed-in user as the domain's actor."""
    return current_actor()


def plan_info(key: str) -> dict[str, Any] | None:
    """A plan with its goals and phases (without the progress figures)."""
    return next((p for p in services().queries.list_plans() if p["key"] == key), None)


def local_time(value: datetime | None) -> str:
    """A UTC instant shown in the tracker's time zone and the user's locale."""
    if value is None:
        return ""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return format_datetime(aware, "short", tzinfo=services().settings.timezone,
                           locale=get_locale())


def install(bp: Blueprint) -> None:
    """Make the label mappings and helpers available to every template."""
    bp.add_app_template_filter(local_time, "localtime")

    @bp.app_context_processor
    def labels() -> dict[str, Any]:
        return {
            "status_label": lambda s: STATUS.get(s, s),
            "light_label": lambda s: LIGHT.get(s, s),
            "command_label": lambda c: COMMAND.get(c, c),
            "field_label": lambda f: FIELD.get(f, f),
            "event_label": lambda e: EVENT.get(e, e),
            "board_columns": COLUMNS,
            "has_endpoint": lambda name: name in current_app.view_functions,
        }
