"""Which command a move between board columns means, and who is offered the move control."""

from __future__ import annotations

from typing import Any

from tracker.errors import N_, IllegalStateError
from tracker.permissions import Actor, allowed

# (from, to) → the command that makes that move.
MOVES = {
    ("todo", "doing"): "start",
    ("todo", "submitted"): "submit", ("doing", "submitted"): "submit",
    ("submitted", "done"): "accept",
    ("submitted", "doing"): "return",
    ("done", "doing"): "reopen", ("cancelled", "doing"): "reopen",
    ("todo", "cancelled"): "cancel", ("doing", "cancelled"): "cancel",
    ("submitted", "cancelled"): "cancel",
}
MOVE_COMMANDS = frozenset(MOVES.values())
# The move a card's control proposes first: the natural next step.
NEXT = {"todo": "doing", "doing": "submitted", "submitted": "done", "done": "doing",
        "cancelled": "doing"}


def move_command(current: str, to: str) -> str | None:
    """The command a move runs (None: the card stays); an impossible move raises, with why."""
    if current == to:
        return None
    if (current, to) in MOVES:
        return MOVES[(current, to)]
    if to == "todo":
        raise IllegalStateError(N_("Work that has begun cannot go back to To do."))
    if to == "done":
        raise IllegalStateError(N_(
            "An item is done only when a reviewer accepts its completion: submit it first."))
    if current in ("done", "cancelled"):
        raise IllegalStateError(N_("The item is closed; move it to In progress to reopen it."))
    raise IllegalStateError(N_("This move is not possible."))


def can_move(who: Actor, card: dict[str, Any]) -> bool:
    """Whether to offer the move control (the application checks every move anyway)."""
    return any(allowed(who, c, card["owner"]) for c in MOVE_COMMANDS)
