"""What a command from the item page answers to htmx: only the parts of the page that changed,
as out-of-band swaps (the timeline gets just its new entries)."""

from __future__ import annotations

from typing import Any

from flask import render_template
from markupsafe import Markup

from tracker.domain import WorkItem
from web.items.history import EVIDENCE_EVENTS, ItemHistory
from web.items.keep import kept
from web.items.views import item_context, load_card

# The parts of the page that only some events change; the meta line and the facts come after
# every command, and so do head, fields, actions and the evidence forms unless the page keeps
# them (web.items.keep: then the version their forms carry is put in every form).
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
    When the page shows the actions, inline edits and evidence forms it would show now
    (``posted_key``), only the action that ran (``ran``, shown afresh), the meta line, the
    facts, the undo control and the version for every form come."""
    card = load_card(item_id)
    timeline = ItemHistory(card["id"])
    events = timeline.after(since, also=EVIDENCE_EVENTS)  # the evidence too: one query
    parts = changed_parts(events)
    context = item_context(card, timeline, parts, oob=OOB, **extra)
    context.update(new_events=events, parts=parts, keep_actions=kept(posted_key, context, ran),
                   ran=ran)
    return render_template("items/_changed.html", **context), 200, HEADERS
