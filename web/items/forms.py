"""Which actions an item page offers, and how a submitted form becomes a command's values."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from projections.board_projection import FACTS, to_state
from tracker.domain.fields import Field, Form, parse_version
from tracker.domain.lifecycle import COMMANDS, Need, Rule
from tracker.errors import TrackerError, ValidationError
from tracker.permissions import Actor, allowed
from web.services import services

Card = dict[str, Any]
Spec = Rule | Form


def plan_roles(plan_key: str) -> dict[str, str]:
    """The roles of a plan (read once per request): a leader's powers depend on them."""
    return services().plan_roles(plan_key)


def card_state(card: Card) -> Any:
    """The item's state from a card (which spreads the state's other facts among its keys)."""
    if "facts" in card:
        return to_state(card)
    return to_state({**card, "facts": {f: card[f] for f in FACTS if f in card}})


def may(actor: Actor, rule: Rule, card: Card, leadership: dict[str, str] | None = None,
        state: Any = None) -> bool:
    """Whether to offer the command on this card to this actor (the lifecycle decides;
    ``leadership``: the roles of the card's plan, read when not given; ``state``: the card's
    item state, when the caller has made it already)."""
    if leadership is None:
        leadership = plan_roles(card["plan_key"])
    if not allowed(actor, rule.name, card["owner"], leadership):
        return False
    try:
        rule.check(card_state(card) if state is None else state, actor.person or actor.name)
    except TrackerError:
        return False
    return True


def available(actor: Actor, card: Card, leadership: dict[str, str] | None = None) -> list[str]:
    """The actions to offer, in the order a user meets them (edit and undo have their own)."""
    if leadership is None:
        leadership = plan_roles(card["plan_key"])
    state = card_state(card)  # made once, asked by every command
    return [name for name, rule in COMMANDS.items() if name not in ("edit", "undo")
            and may(actor, rule, card, leadership, state)]


def form_fields(rule: Rule, open_children: int) -> tuple[Field, ...]:
    """The fields a command's form shows: a decision that depends on open sub-items (accept)
    asks for the reason only while some are open, and then requires it."""
    if Need.CHILDREN not in rule.needs:
        return rule.fields
    if not open_children:
        return tuple(f for f in rule.fields if f.name != "reason")
    return tuple(replace(f, required=True) if f.name == "reason" else f for f in rule.fields)


def expected_version(form: MultiDict[str, str]) -> int:
    """The version the form was rendered from; every changing form carries it."""
    try:
        version = parse_version(form.get("expected_version"))
    except ValidationError:
        version = None
    if version is None:
        raise BadRequest("expected_version is missing")
    return version


def command_values(command: Spec, form: MultiDict[str, str]) -> dict[str, Any]:
    """The command's fields as submitted (lists from multi-selects and checkboxes, which carry
    an empty first value so that one choice stays whole); other fields are ignored."""
    values: dict[str, Any] = {}
    for field in command.fields:
        if field.type == "list" and (field.name == "units" or len(form.getlist(field.name)) > 1):
            values[field.name] = [v for v in form.getlist(field.name) if v]
        elif field.name in form:
            values[field.name] = form[field.name]
    return values


def missing_input(command: Spec, form: MultiDict[str, str]) -> bool:
    """True when the form does not yet carry every required field (the user must be asked)."""
    return any(f.required and f.name not in form for f in command.fields)


def error_field(error: TrackerError) -> str | None:
    """The form field a refusal concerns (the domain names it by its id), so the message can
    sit next to it."""
    field = error.params.get("field")
    return field if isinstance(field, str) else None
