"""The translated names of statuses, lights, commands, events and fields (from the domain's
tables)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from tracker import messages
from tracker.domain.lifecycle import BADGES, RULES, event_info
from tracker.domain.status import LIGHT_LABELS, STATUS_LABELS, Light, Status
from tracker.permissions import SYSTEM

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
    "last_activity": _l("Last activity"), "milestone": _l("Milestone"),
    "to": _l("Leader to escalate to (none chosen: the group leader)"),
    "requirement": _l("Requirement"), "reply_by": _l("Reply by"), "reply": _l("Reply"),
}


def status_label(value: Any) -> str:
    """A status in the user's language (anything else as it is)."""
    try:
        return gettext(STATUS_LABELS[Status(value)])
    except ValueError:
        return str(value)


def light_label(value: Any) -> str:
    """A light in the user's language (None: closed)."""
    try:
        return gettext(LIGHT_LABELS[Light(value) if value is not None else None])
    except ValueError:
        return str(value)


def command_label(name: str) -> str:
    """An item command's label ("Start")."""
    rule = RULES.get(name)
    return gettext(rule.label) if rule is not None else name


def event_label(name: str) -> str:
    """What an item event says happened ("started work")."""
    info = event_info(name)
    return gettext(info.done) if info is not None else name


def field_label(name: str) -> str:
    """A field's label (the domain's table of field ids, then the web's own)."""
    label = messages.field_label(name, gettext)
    return str(FIELD[name]) if label == name and name in FIELD else label


def badges(card: dict[str, Any]) -> list[tuple[str, str]]:
    """The facts the lifecycle table shows on a card while they hold: (field, text)."""
    out = []
    for badge in BADGES:
        value = card.get(badge.field)
        if not value:
            continue
        if badge.kind == "person":
            value = card.get("fact_names", {}).get(badge.field, value)
        out.append((badge.field, gettext(badge.text, value=value)))
    return out


def actor_label(actor: str, people: dict[str, str]) -> str:
    """Who did something: a person by name, an account by its login, the system as such."""
    if actor in people:
        return people[actor]
    if actor == SYSTEM.name:
        return gettext("The system")
    return actor.removeprefix("user:")


ROLE = {"admin": _l("Administrator"), "leader": _l("Leader"), "member": _l("Member"),
        "viewer": _l("Viewer"), "system": _l("System")}


def actor_name(actor: str | None, people: dict[str, str]) -> str:
    """Who did something, as a reader knows them: the person's name, or the account's role
    ("System", "Administrator") for accounts that stand for no one — never an internal key."""
    if not actor:
        return str(ROLE["system"])
    if actor in people:
        return people[actor]
    login = actor.removeprefix("user:")
    if login in ROLE:
        return str(ROLE[login])
    from web.services import services  # the accounts know which person a login stands for

    user = services().accounts.find(login)
    if user is not None and user.person in people:
        return people[user.person]
    return str(ROLE.get(user.role, ROLE["member"])) if user is not None else str(ROLE["member"])
