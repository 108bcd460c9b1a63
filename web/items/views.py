"""The item page: every field, the actions the state and the user allow, the timeline."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from flask import abort

from tracker.domain.base import item_id
from tracker.domain.lifecycle import COMMANDS
from tracker.permissions import allowed
from web.auth import login_required
from web.items import bp
from web.items.forms import Card, available, form_fields, may, plan_roles
from web.items.history import ItemHistory
from web.items.keep import actions_key
from web.items.ui import actor, plan_info, render
from web.services import services


def load_card(item_id: str) -> Card:
    """The item's card from the read models, or 404."""
    card = services().queries.get_card(item_id)
    if card is None:
        abort(404)
    return card


def item_context(card: Card, timeline: ItemHistory | None = None,
                 parts: Collection[str] | None = None, **extra: Any) -> dict[str, Any]:
    """Everything the item templates need, from the read models: for the whole page, or for
    the answer to a command (``parts``: the optional parts it sends, web.items.delta), which
    reads only what it shows; ``timeline``: the item's timeline as the caller reads it."""
    queries = services().queries
    me = actor()
    directory = queries.directory()  # names for display; the forms' pickers search it
    roles = plan_roles(card["plan_key"])  # the plan's roles decide powers
    timeline = timeline or ItemHistory(card["id"])
    whole = parts is None
    lists_children = parts is None or "children" in parts
    parent = None
    if card["parent"]:  # the page links to it by its title
        parent_id = str(item_id(card["plan_key"], card["parent"]))
        title = queries.item_title(parent_id)
        parent = None if title is None else {"id": parent_id, "title": title}
    children = queries.board(card["plan_key"], parent=card["key"], include_cancelled=True) \
        if lists_children else []
    plan = plan_info(card["plan_key"]) or {"key": card["plan_key"], "title": "",
                                                   "goals": [], "phases": []}
    actions = available(me, card, roles)
    # The card counts its sub-items that are not cancelled, and the done ones among them.
    open_children = card["children_total"] - card["children_done"]
    can_edit = may(me, COMMANDS["edit"], card, roles)
    shown = tuple(repr(extra.get(k)) for k in ("open_command", "error_message", "submitted"))
    key = actions_key(f"{me.name} {me.role}", actions, card, open_children,
                      directory.version, timeline, shown, can_edit)
    return {
        "card": card, "plan": plan, "parent_card": parent, "children": children,
        "open_children": open_children,
        "form_fields": form_fields,
        "history": timeline.entries if whole else [], "timeline": timeline,
        "actions_key": key,
        "people": directory.people_names, "units": directory.unit_names,
        "phases": {p["key"]: p["title"] for p in plan["phases"]},
        "goals": {g["key"]: g["title"] for g in plan["goals"]},
        "actions": actions, "can_edit": can_edit,
        "can_create": allowed(me, "create", leadership=roles),
        "commands": COMMANDS, "error_field": None, "error_message": None, "open_command": None,
        "submitted": {}, "conflict": None, "notice": None,  # not a status: typed values
        "oob": "",  # the whole page, not out-of-band parts (web.items.delta)
        **extra,
    }


def item_response(item_id: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    """The item as the read models show it now, as a page or as the #item fragment."""
    services().fresh()  # a refused command ran no sync (web.services.syncs_itself)
    card = load_card(item_id)
    return render("items/item.html", "items/_item.html", status, **item_context(card, **extra))


@bp.get("/items/<item_id>")
@login_required
def item(item_id: str) -> tuple[str, int]:
    """One item: every field, inline edits, its actions and its timeline."""
    return item_response(item_id)
