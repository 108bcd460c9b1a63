"""The translated names of statuses, lights, commands, events and fields (from the domain's
tables)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import g, has_request_context
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from tracker import messages
from tracker.domain.lifecycle import (
    AS_ADMIN,
    BADGES,
    DUE_ASKED,
    DUE_DECIDED,
    RULES,
    WITH_OPEN_CHILDREN,
    event_info,
)
from tracker.domain.status import LIGHT_LABELS, STATUS_LABELS, Light, Status
from tracker.permissions import SYSTEM
from web.i18n import gettext


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


def in_capacity(who: str, data: dict[str, Any] | None) -> str:
    """Who decided, marked "(as administrator)" when an administrator without a role in the
    plan took the decision (the event records it)."""
    return gettext(AS_ADMIN, who=who) if (data or {}).get("as_admin") else who


def with_open_children(text: str, data: dict[str, Any] | None) -> str:
    """An acceptance's text, saying how many sub-items were still open when it was taken."""
    count = len((data or {}).get("open_children") or [])
    return gettext(WITH_OPEN_CHILDREN, text=text, count=count) if count else text


def due_request_line(r: dict[str, Any], people: Mapping[str, str]) -> str:
    """One due-date request as a reader sees it: who asked for which date, who decided."""
    text = gettext(DUE_ASKED, who=actor_name(r["by"], people), on=format_day(r["on"]),
                   due=format_day(r["new_due"]))
    decider = in_capacity(actor_name(r["decided_by"], people), r) if r.get("decided_by") else ""
    return gettext(DUE_DECIDED[r.get("granted")], text=text, who=decider,
                   on=format_day(r.get("decided_on")))


def due_history(card: dict[str, Any]) -> list[str]:
    """Every due-date request of a card's item, as lines (people by name)."""
    requests = card.get("due_requests") or []
    if not requests:
        return []
    from web.services import services

    people = services().queries.directory().people_names
    return [due_request_line(r, people) for r in requests]


def format_day(value: Any) -> str:
    """A date (or ISO text) in the user's locale."""
    if not value:
        return ""
    return format_date(value if isinstance(value, date) else date.fromisoformat(str(value)))


def actor_label(actor: str, people: dict[str, str]) -> str:
    """Who did something: a person by name, an account by its login, the system as such."""
    if actor in people:
        return people[actor]
    if actor == SYSTEM.name:
        return gettext("The system")
    return actor.removeprefix("user:")


ROLE = {"admin": _l("Administrator"), "leader": _l("Leader"), "member": _l("Member"),
        "viewer": _l("Viewer"), "system": _l("System")}


def actor_name(actor: str | None, people: Mapping[str, str]) -> str:
    """Who did something, as a reader knows them: the person's name, or the account's role
    ("System", "Administrator") for accounts that stand for no one — never an internal key."""
    if not actor:
        return str(ROLE["system"])
    if actor in people:
        return people[actor]
    login = actor.removeprefix("user:")
    if login in ROLE:
        return str(ROLE[login])
    user = _account(login)
    if user is not None and user.person is not None and user.person in people:
        return people[user.person]
    return str(ROLE.get(user.role, ROLE["member"])) if user is not None else str(ROLE["member"])


def _account(login: str) -> Any:
    """The account with this login, which knows the person it stands for: the signed-in one
    as loaded, any other asked for once per request (a timeline or audit page names the same
    few accounts again and again)."""
    from web.auth.session import current_account
    from web.services import services

    known: dict[str, Any] = g.setdefault("accounts_by_login", {})
    if login not in known:
        me = current_account() if has_request_context() else None
        known[login] = me if me is not None and me.login == login else \
            services().accounts.find(login)
    return known[login]
