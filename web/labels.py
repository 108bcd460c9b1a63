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
    """A field's label, from the domain's table of field ids."""
    return messages.field_label(name, gettext)


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
