"""Which actions an item page offers, and how a submitted form becomes a command's values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from tracker.commands import Command
from tracker.errors import TrackerError
from tracker.permissions import Actor, allowed

Card = dict[str, Any]
OPEN = ("todo", "doing", "submitted")
WORKING = ("todo", "doing")

# When each action makes sense for the item's state (the application enforces the rules;
# this only decides which buttons to show).
WHEN: dict[str, Callable[[Card], bool]] = {
    "start": lambda c: c["status"] == "todo",
    "report": lambda c: c["status"] in WORKING,
    "submit": lambda c: c["status"] in WORKING,
    "request-extension": lambda c: c["status"] in WORKING and not c["extension_pending"],
    "decide-extension": lambda c: bool(c["extension_pending"]),
    "chase": lambda c: c["status"] in WORKING,
    "accept": lambda c: c["status"] == "submitted",
    "return": lambda c: c["status"] == "submitted",
    "comment": lambda c: True,
    "reassign": lambda c: c["status"] in OPEN,
    "reschedule": lambda c: c["status"] in OPEN,
    "units": lambda c: c["status"] in OPEN,
    "cancel": lambda c: c["status"] in OPEN,
    "reopen": lambda c: c["status"] in ("done", "cancelled"),
}
# Commands nobody runs on their own item: reviewing and supervising are for someone else.
NOT_BY_OWNER = frozenset({"chase", "accept", "return", "decide-extension"})


def may(actor: Actor, command: str, card: Card) -> bool:
    """Whether to offer the command on this card to this actor."""
    if command == "edit":
        return card["status"] != "cancelled" and allowed(actor, "edit", card["owner"])
    if not WHEN[command](card) or not allowed(actor, command, card["owner"]):
        return False
    return not (command in NOT_BY_OWNER and actor.person == card["owner"])


def available(actor: Actor, card: Card) -> list[str]:
    """The actions to offer, in the order a user meets them."""
    return [name for name in WHEN if may(actor, name, card)]


def expected_version(form: MultiDict[str, str]) -> int:
    """The version the form was rendered from; every changing form carries it."""
    raw = form.get("expected_version", "")
    if not raw.isdigit():
        raise BadRequest("expected_version is missing")
    return int(raw)


def command_values(command: Command, form: MultiDict[str, str]) -> dict[str, Any]:
    """The command's fields as submitted (lists from multi-selects); other fields are ignored."""
    values: dict[str, Any] = {}
    for field in command.fields:
        if field.type == "list" and field.name == "units":
            values[field.name] = [v for v in form.getlist(field.name) if v]
        elif field.name in form:
            values[field.name] = form[field.name]
    return values


def missing_input(command: Command, form: MultiDict[str, str]) -> bool:
    """True when the form does not yet carry every required field (the user must be asked)."""
    return any(f.required and f.name not in form for f in command.fields)


# The domain names some fields in words; the forms name them as the commands do.
ERROR_FIELDS = {"new due date": "new_due", "due date": "due", "comment": "text",
                "evidence link": "evidence", "report date": "on", "completion date": "on"}


def error_field(error: TrackerError) -> str | None:
    """The form field a refusal concerns, so the message can sit next to it."""
    field = error.params.get("field")
    if not isinstance(field, str):
        return None
    return ERROR_FIELDS.get(field, field)
