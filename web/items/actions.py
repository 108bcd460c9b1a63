"""Running a command from the item page; a stale form gets the conflict view, never a merge."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from tracker.domain.lifecycle import COMMANDS
from tracker.errors import ConflictError, TrackerError
from web.auth import login_required
from web.extensions import translate_error
from web.items import bp
from web.items.delta import item_changes
from web.items.forms import command_values, error_field, expected_version
from web.items.ui import actor, wants_fragment
from web.items.views import item_response
from web.labels import command_label
from web.services import services, syncs_itself


def changes_since(item_id: str, version: int) -> list[dict[str, Any]]:
    """The timeline entries someone else added after the version a form was rendered from."""
    return services().queries.history(item_id, after=version)


@bp.post("/items/<item_id>/commands/<command>")
@syncs_itself
@login_required
def run_command(item_id: str, command: str) -> ResponseReturnValue:
    """Run one command on the item, then show what changed (htmx) or the item page."""
    spec = COMMANDS.get(command)
    if spec is None:
        abort(404)
    expected = expected_version(request.form)
    values = command_values(spec, request.form)
    try:
        services().run(item_id, spec, actor(), expected, **values)
    except ConflictError as error:
        services().fresh()  # the changes since come from the read models
        conflict = {"expected": expected, "current": error.current_version,
                    "changes": changes_since(item_id, expected), "command": command,
                    "submitted": values}  # not a status: what was typed
        return item_response(item_id, error.status, conflict=conflict)
    except TrackerError as error:
        return item_response(item_id, error.status, error_message=translate_error(error),
                             error_field=error_field(error), open_command=command,
                             submitted=values)
    done = _("Done: %(action)s.", action=command_label(command))
    if not wants_fragment():
        flash(done, "success")
        return redirect(url_for("items.item", item_id=item_id))
    return item_changes(item_id, expected, request.form.get("actions_key"), command, notice=done)
