"""Undo from the item page: offer the latest undoable change, run the compensating command."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from tracker.domain.lifecycle import UNDO, undo_label, undoable_change, within_undo_window
from tracker.errors import TrackerError
from tracker.permissions import allowed
from web.audit import bp
from web.auth import current_actor, login_required
from web.extensions import translate_error
from web.items.delta import item_changes
from web.items.forms import expected_version, plan_roles
from web.items.history import ItemHistory
from web.items.ui import wants_fragment
from web.items.views import item_response
from web.services import services, syncs_itself


def undo_offer(history: ItemHistory, card: dict[str, Any]) -> dict[str, Any] | None:
    """The change the signed-in user may undo on this item (the latest one, while the undo
    window lasts), or None."""
    try:
        if not allowed(current_actor(), UNDO.name, card["owner"], plan_roles(card["plan_key"])):
            return None
    except Exception:  # noqa: BLE001 - nobody signed in: nothing to offer
        return None
    event = history.latest_change()
    latest = undoable_change([event["event_type"]]) if event is not None else None
    if event is None or latest is None:
        return None
    tracker = services().tracker
    if not within_undo_window(event["at"], tracker.clock(), tracker.undo_window):
        return None
    return {"version": event["version"], "label": gettext(undo_label(latest))}


@bp.app_context_processor
def undo_helpers() -> dict[str, Any]:
    """Lets items/_item.html include audit/_undo.html."""
    return {"undo_offer": undo_offer}


@bp.post("/items/<item_id>/undo")
@syncs_itself
@login_required
def undo_item(item_id: str) -> ResponseReturnValue:
    """Undo the item's latest change by a compensating event, then show what changed (htmx)
    or the item page."""
    expected = expected_version(request.form)
    if not request.form.get("version", "").isdigit():
        raise BadRequest("version is required")
    try:
        services().run(item_id, UNDO, current_actor(), expected,
                       version=request.form["version"], reason=request.form.get("reason", ""))
    except TrackerError as error:
        return item_response(item_id, error.status, error_message=translate_error(error),
                             open_command="undo")
    if not wants_fragment():
        flash(_("The change was undone."), "success")
        return redirect(url_for("items.item", item_id=item_id))
    return item_changes(item_id, expected, notice=_("The change was undone."))
