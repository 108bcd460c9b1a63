"""Whom an item event tells, and as what: the rules of the in-app inbox, defined once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any

from tracker.domain.item import WorkItem as E
from tracker.domain.mentions import mentioned
from tracker.domain.state import ItemState
from tracker.errors import N_


class Kind(StrEnum):
    """What a notification is about (the inbox's sections and filter)."""

    CHASE = "chase"
    NOTICE = "notice"
    DECISION = "decision"
    ESCALATION = "escalation"
    MENTION = "mention"


KIND_LABELS = {Kind.CHASE: N_("Chases"), Kind.NOTICE: N_("Supervision notices"),
               Kind.DECISION: N_("Decisions on my requests"),
               Kind.ESCALATION: N_("Escalations"), Kind.MENTION: N_("Mentions")}


def _by(field: str) -> Callable[[ItemState, Any], Iterable[str]]:
    """Who asked for the decision pending in ``field`` (and the item's owner)."""
    def people(s: ItemState, _e: Any) -> Iterable[str]:
        request = getattr(s, field) or {}
        return [request.get("by") or "", s.owner]
    return people


def _owner(s: ItemState, _e: Any) -> Iterable[str]:
    return [s.owner]


# Each event that notifies: its kind and who is told (from the item's state before it).
NOTIFIES: dict[type[Any], tuple[Kind, Callable[[ItemState, Any], Iterable[str]]]] = {
    E.Chased: (Kind.CHASE, _owner),
    E.NoticeIssued: (Kind.NOTICE, _owner),
    E.ExtensionGranted: (Kind.DECISION, _by("pending_extension")),
    E.ExtensionRefused: (Kind.DECISION, _by("pending_extension")),
    E.Accepted: (Kind.DECISION, _by("completion")),
    E.Returned: (Kind.DECISION, _by("completion")),
    E.DeliverableChanged: (Kind.DECISION, lambda s, e: [e.asked_by or ""] if e.asked_by else []),
    E.DeliverableChangeRefused: (Kind.DECISION, _by("pending_deliverable")),
    E.Escalated: (Kind.ESCALATION, lambda s, e: [e.to]),
    E.Commented: (Kind.MENTION, lambda s, e: mentioned(getattr(e, "mentions", []))),
    E.ProgressReported: (Kind.MENTION, lambda s, e: mentioned(getattr(e, "mentions", []))),
}


def recipients(before: ItemState, event: Any) -> tuple[Kind, list[str]] | None:
    """The kind of notification an event makes and who gets it (never its own actor)."""
    rule = NOTIFIES.get(type(event))
    if rule is None:
        return None
    kind, who = rule
    actor = getattr(event, "actor", "")
    people = [p for p in dict.fromkeys(who(before, event)) if p and p != actor]
    return (kind, people) if people else None
