"""Moving a card between columns: the move becomes one command, or a refusal with the reason."""

from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response

from tracker.domain import STATUSES
from tracker.domain.lifecycle import Rule
from tracker.errors import ConflictError, TrackerError, ValidationError
from web.auth import login_required
from web.board import bp
from web.board.filters import BoardFilters
from web.board.mapping import move_command
from web.board.views import board_answer
from web.extensions import translate_error
from web.items.actions import changes_since
from web.items.forms import command_values, error_field, expected_version, missing_input
from web.items.ui import actor, current_url, wants_fragment
from web.items.views import load_card
from web.labels import command_label
from web.services import services


@bp.post("/items/<item_id>/move")
@login_required
def move_item(item_id: str) -> Response | tuple[str, int]:
    """Move a card to another column; answers with the board as it is now."""
    card = load_card(item_id)
    to = request.form.get("to", "")
    if to not in STATUSES:
        raise BadRequest("unknown column")
    expected = expected_version(request.form)
    filters = BoardFilters.from_url(current_url()).live()
    plan_key = card["plan_key"]
    rule: Rule | None = None
    try:
        rule = move_command(card["status"], to)
        if rule is None:
            return board_answer(plan_key, filters)
        if missing_input(rule, request.form):
            form = dialog(card, rule, to, expected)
            return board_answer(plan_key, filters, moved=item_id, dialog=form)
        values = command_values(rule, request.form)
        services().run(item_id, rule, actor(), expected, **values)
    except ConflictError as error:
        assert rule is not None  # only running the command meets a newer version
        return stale(item_id, rule, to, expected, error, filters)
    except ValidationError as error:
        if rule is not None and rule.fields:
            values = command_values(rule, request.form)
            form = dialog(card, rule, to, expected, values, error)
            return board_answer(plan_key, filters, error.status, moved=item_id, dialog=form)
        return board_answer(plan_key, filters, error.status, moved=item_id,
                            message=translate_error(error))
    except TrackerError as error:
        return board_answer(plan_key, filters, error.status, moved=item_id,
                            message=translate_error(error))
    if not wants_fragment():
        return redirect(url_for("board.plan_board", plan_key=plan_key, **filters.args()))
    notice = _("%(title)s: %(action)s.", title=card["title"], action=command_label(rule.name))
    return board_answer(plan_key, filters, notice=notice)


def stale(item_id: str, rule: Rule, to: str, expected: int, error: ConflictError,
          filters: BoardFilters) -> tuple[str, int]:
    """A drag from a board older than the item: the conflict view by the card, with what was
    typed, and the same form again on the current version when the move still needs one."""
    values = command_values(rule, request.form)
    conflict = {"expected": expected, "current": error.current_version,
                "changes": changes_since(item_id, expected), "command": rule.name,
                "submitted": values}  # not a status: what was typed
    fresh = load_card(item_id)
    try:
        again = move_command(fresh["status"], to)
    except TrackerError:
        again = None  # the move is no longer possible: the conflict view says why
    form = None
    if again is not None and again.fields:
        form = dialog(fresh, again, to, fresh["version"], values)
    return board_answer(fresh["plan_key"], filters, error.status, moved=item_id,
                        conflict=conflict, dialog=form)


def dialog(card: dict[str, Any], rule: Rule, to: str, expected: int,
           values: dict[str, Any] | None = None, error: TrackerError | None = None
           ) -> dict[str, Any]:
    """The small form a move needs first (an outcome, a reason), with any refusal by its field."""
    return {"card": card, "command": rule.name, "spec": rule, "to": to,
            "expected": expected, "values": values or {},
            "error_field": error_field(error) if error else None,
            "error_message": translate_error(error) if error else None}
