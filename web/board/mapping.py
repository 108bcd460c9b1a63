"""Which command a move between board columns means (from the lifecycle table), and who is
offered the move control."""

from __future__ import annotations

from typing import Any

from tracker.domain.lifecycle import Rule, moves
from tracker.domain.status import CLOSED, Status
from tracker.errors import N_, IllegalStateError
from tracker.permissions import Actor, allowed
from web.items.forms import plan_roles

# (from, to) → the command that makes that move.
MOVES = moves()
MOVE_COMMANDS = frozenset(rule.name for rule in MOVES.values())
# The move a card's control proposes first: the natural next step.
NEXT = {Status.TODO: Status.DOING, Status.DOING: Status.SUBMITTED,
        Status.SUBMITTED: Status.DONE, Status.DONE: Status.DOING,
        Status.CANCELLED: Status.DOING}


def move_command(current: str, to: str) -> Rule | None:
    """The command a move runs (None: the card stays); an impossible move raises, with why."""
    if current == to:
        return None
    rule = MOVES.get((Status(current), Status(to)))
    if rule is not None:
        return rule
    if to == Status.TODO:
        raise IllegalStateError(N_("Work that has begun cannot go back to To do."))
    if to == Status.DONE:
        raise IllegalStateError(N_(
            "An item is done only when a reviewer accepts its completion: submit it first."))
    if current in CLOSED:
        raise IllegalStateError(N_("The item is closed; move it to In progress to reopen it."))
    raise IllegalStateError(N_("This move is not possible."))


def can_move(who: Actor, card: dict[str, Any]) -> bool:
    """Whether to offer the move control (the application checks every move anyway)."""
    roles = plan_roles(card["plan_key"])
    return any(allowed(who, c, card["owner"], roles) for c in MOVE_COMMANDS)
