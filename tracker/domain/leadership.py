"""Per-plan roles: a plan's leadership group (组长, 副组长, 成员) and its supervising office."""

from __future__ import annotations

from typing import Any

from tracker.domain.lifecycle import PersonKey
from tracker.errors import N_, ValidationError

GROUP_ROLES = ("group_leader", "deputy", "member")
OFFICE = "office"  # 督查室: may chase and escalate, nothing else
PLAN_ROLES = (*GROUP_ROLES, OFFICE)
OFFICE_COMMANDS = frozenset({"chase", "escalate"})


def check_leadership(leadership: Any) -> dict[str, str]:
    """A plan's roles as {person key: role}, or a ValidationError naming the bad entry."""
    if not isinstance(leadership, dict):
        raise ValidationError(N_("%(field)s must be an object."), field="leadership")
    out: dict[str, str] = {}
    for person, role in leadership.items():
        if not isinstance(person, str) or not person.strip():
            raise ValidationError(N_("%(field)s must be an object."), field="leadership")
        if role not in PLAN_ROLES:
            raise ValidationError(N_("%(field)s must be one of %(allowed)s."),
                                  field="leadership", allowed=", ".join(PLAN_ROLES))
        out[person.strip()] = str(role)
    return dict(sorted(out.items()))


def may_lead(leadership: dict[str, str] | None, person: str | None, command: str) -> bool:
    """Whether the person's role in the plan gives leader powers for the command.

    Without known roles no one leads (a plan stored before per-plan roles has roles derived
    for it: ``derived_leadership``)."""
    if not leadership:
        return False
    role = leadership.get(person or "")
    if role is None:
        return False
    return role != OFFICE or command in OFFICE_COMMANDS


def derived_leadership(named: dict[str, str]) -> dict[str, str]:
    """The roles of a plan stored before per-plan roles were recorded: the people the plan
    names (its creator, goal leaders, item owners and responsible leaders, ``named``: person
    key to directory role) who hold a role of the leadership group in the directory."""
    return dict(sorted((p, r) for p, r in named.items() if r in GROUP_ROLES))


# Each role's name, for pages, papers and the leadership editor.
ROLE_LABELS = {"group_leader": N_("Group leader"), "deputy": N_("Deputy group leader"),
               "member": N_("Group member"), OFFICE: N_("Supervising office")}


def with_role(leadership: dict[str, str] | None, person: str, role: str | None) -> dict[str, str]:
    """The plan's roles with one person's role given, changed or (role None) removed."""
    roles = dict(leadership or {})
    if not person:
        raise ValidationError(N_("Choose a person."), field="person")
    if role is not None and role not in PLAN_ROLES:
        raise ValidationError(N_("Choose a role."), field="role")
    if role is None:
        if person not in roles:
            raise ValidationError(N_("%(who)s has no role in this plan."),
                                  who=PersonKey(person), field="person")
        del roles[person]
    else:
        roles[person] = role
    return roles
