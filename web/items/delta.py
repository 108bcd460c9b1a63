"""What a command from the item page answers to htmx: only the parts of the page that changed,
as out-of-band swaps (the timeline gets just its new entries)."""

from __future__ import annotations

from typing import Any

from flask import render_template
from markupsafe import Markup

from tracker.domain import WorkItem
from web.items.history import ItemHistory
from web.items.keep import kept
from web.items.views import item_context, load_card

# The parts of the page that only some events change; head, fields, actions and the evidence
# forms come after every command (their forms carry the version the next command must send).
PARTS = {
    "notices": (WorkItem.NoticeIssued, WorkItem.NoticeAcknowledged, WorkItem.NoticeAnswered),
    "evidence": (WorkItem.EvidenceAttached, WorkItem.EvidenceLinked,
                 WorkItem.CompletionSubmitted),
}
EVENT_PARTS = {event.__name__: part for part, events in PARTS.items() for event in events}
OOB = Markup(' hx-swap-oob="true"')
# htmx keeps the page and applies only the out-of-band parts.
HEADERS = {"HX-Reswap": "none"}


def changed_parts(events: list[dict[str, Any]]) -> set[str]:
    """The optional parts these events change (a new status changes whether sub-items can be
    added, so the sub-items part)."""
    parts = {EVENT_PARTS[e["event_type"]] for e in events if e["event_type"] in EVENT_PARTS}
    if any("status" in (e["changes"] or {}) for e in events):
        parts.add("children")
    return parts


def item_changes(item_id: str, since: int, posted_key: str | None = None, ran: str | None = None,
                 **extra: Any) -> tuple[str, int, dict[str, str]]:
    """The parts of the item page that changed since the version the form was rendered at.
    When the page shows the actions it would show now (``posted_key``), only the action that
    ran (``ran``, shown afresh), the undo control and every action form's version come."""
    card = load_card(item_id)
    timeline = ItemHistory(card["id"])
    events = timeline.after(since)
    parts = changed_parts(events)
    context = item_context(card, timeline, parts, oob=OOB, **extra)
    context.update(new_events=events, parts=parts, keep_actions=kept(posted_key, context),
                   ran=ran)
    return render_template("items/_changed.html", **context), 200, HEADERS
