"""Who may do what: the one place where roles meet commands."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.errors import N_, PermissionDeniedError

ACCOUNT_ROLES = ("admin", "leader", "member", "viewer")

# Commands an item's owner may run on it, whatever their account role (except viewer).
OWNER_COMMANDS = frozenset({"start", "report", "request-extension", "submit", "comment", "edit",
                            "evidence"})
# Commands a leader (reviewer, supervisor) may run on any item.
LEADER_COMMANDS = frozenset(
    {
        "create",
        "start",
        "report",
        "chase",
        "decide-extension",
        "reassign",
        "units",
        "reschedule",
        "accept",
        "return",
        "cancel",
        "reopen",
        "comment",
        "edit",
        "undo",
        "evidence",
        "nominate",
        "withdraw-nomination",
    }
)
ADMIN_ONLY = frozenset({"import", "plan", "person", "unit", "assess", "webhook", "remind",
                        "grading"})


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


def authorize(actor: Actor, command: str, owner: str | None = None) -> None:
    """Raise PermissionDeniedError unless the actor may run the command on owner's item."""
    if actor.role == "admin":
        return
    if actor.role == "viewer" or actor.role not in ACCOUNT_ROLES:
        raise PermissionDeniedError(N_("Viewers can only read."))
    if command in ADMIN_ONLY:
        raise PermissionDeniedError(N_("Only an administrator can do this."))
    if actor.role == "leader" and command in LEADER_COMMANDS:
        return
    if owner is not None and actor.person == owner and command in OWNER_COMMANDS:
        return
    if owner is not None and actor.person != owner and command in OWNER_COMMANDS:
        raise PermissionDeniedError(N_("Only the item's owner or a leader can do this."))
    raise PermissionDeniedError(N_("Your role does not allow this."))


def allowed(actor: Actor, command: str, owner: str | None = None) -> bool:
    """Whether authorize() would let the actor run the command."""
    try:
        authorize(actor, command, owner)
    except PermissionDeniedError:
        return False
    return True
