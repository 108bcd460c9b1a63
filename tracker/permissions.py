"""Who may do what: the one place where roles meet commands."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.domain.leadership import may_lead
from tracker.domain.lifecycle import RULES, Party
from tracker.errors import N_, PermissionDeniedError

ACCOUNT_ROLES = ("admin", "leader", "member", "viewer")

# Who may run each item command comes from the lifecycle table; these are the others.
OWNER_COMMANDS = frozenset(n for n, r in RULES.items() if Party.OWNER in r.parties)
LEADER_COMMANDS = frozenset(
    {n for n, r in RULES.items() if r.parties & {Party.LEADER, Party.SUPERVISOR, Party.REVIEWER}}
    | {"create", "nominate", "withdraw-nomination", "wip-limits", "share-view"}
)
ADMIN_ONLY = frozenset({"import", "plan", "person", "unit", "assess", "webhook", "grading"}
                       | {n for n, r in RULES.items() if r.parties == {Party.ADMIN}})


@dataclass(frozen=True)
class Actor:
    """The signed-in user as the domain sees them: their person key and account role."""

    person: str | None
    role: str
    login: str = ""

    @property
    def name(self) -> str:
        """What the events record as the actor."""
        return self.person or f"user:{self.login}"


SYSTEM = Actor(person=None, role="admin", login="system")


def authorize(actor: Actor, command: str, owner: str | None = None,
              leadership: dict[str, str] | None = None) -> None:
    """Raise PermissionDeniedError unless the actor may run the command on owner's item
    (``leadership``: the roles of the item's plan; a leader acts as such only with a role)."""
    if actor.role == "admin":
        return
    if actor.role == "viewer" or actor.role not in ACCOUNT_ROLES:
        raise PermissionDeniedError(N_("Viewers can only read."))
    if command in ADMIN_ONLY:
        raise PermissionDeniedError(N_("Only an administrator can do this."))
    if actor.role == "leader" and command in LEADER_COMMANDS:
        if may_lead(leadership, actor.person, command):
            return
        if owner is None or actor.person != owner or command not in OWNER_COMMANDS:
            raise PermissionDeniedError(N_(
                "Only this plan's leadership group (or, to chase, its supervising office) "
                "or an administrator can do this."))
    if owner is not None and actor.person == owner and command in OWNER_COMMANDS:
        return
    if owner is not None and actor.person != owner and command in OWNER_COMMANDS:
        raise PermissionDeniedError(N_("Only the item's owner or a leader can do this."))
    raise PermissionDeniedError(N_("Your role does not allow this."))


def allowed(actor: Actor, command: str, owner: str | None = None,
            leadership: dict[str, str] | None = None) -> bool:
    """Whether authorize() would let the actor run the command."""
    try:
        authorize(actor, command, owner, leadership)
    except PermissionDeniedError:
        return False
    return True
