"""Creating a work item in a plan (Post/Redirect/Get; errors shown next to their field)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker.domain.fields import Field, Form, parse_args
from tracker.errors import TrackerError
from tracker.permissions import authorize
from web.auth import login_required
from web.extensions import translate_error
from web.items import bp
from web.items.forms import command_values, error_field, plan_roles
from web.items.ui import actor, plan_info, render
from web.services import services

CREATE = Form("create", (
    Field("title", "text", True), Field("owner", "person", True), Field("lead_unit", "unit", True),
    Field("units", "list"), Field("due", "date", True), Field("phase", "text"),
    Field("goal", "text"), Field("deliverable", "text"), Field("description", "text"),
    Field("report_every_days", "int"), Field("parent", "text"),
))
OPTIONAL_KEYS = ("phase", "goal", "parent")
_TOKEN = re.compile(r"[0-9a-f]{32}")


def form_token() -> str:
    """The form's own token: a retried submission of one form creates one item, while every
    new form creates a new item (two items may share a title)."""
    token = request.form.get("form_token", "")
    return token if _TOKEN.fullmatch(token) else uuid.uuid4().hex


def form_context(plan: dict[str, Any], values: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """What the create form needs: the plan, people, units and what was typed."""
    queries = services().queries
    return {"plan": plan, "spec": CREATE, "values": values, "form_token": form_token(),
            "people_list": [p for p in queries.people() if p["active"]],
            "units_list": queries.unit_list(),
            "parent_options": queries.board(plan["key"]),
            "error_field": None, "error_message": None, **extra}


@bp.route("/plans/<plan_key>/items/new", methods=["GET", "POST"])
@login_required
def new_item(plan_key: str) -> Response | tuple[str, int]:
    """The form to create a work item; a created item opens its page."""
    plan = plan_info(plan_key)
    if plan is None:
        abort(404)
    authorize(actor(), "create", leadership=plan_roles(plan_key))
    if request.method == "GET":
        wanted = {"parent": request.args.get("parent", "")[:200]}  # "add a sub-item" links here
        return render("items/new.html", "items/_new_form.html", **form_context(plan, wanted))
    values = command_values(CREATE, request.form)
    try:
        args = parse_args(CREATE.fields, values)
        for key in OPTIONAL_KEYS:
            if not args.get(key):
                args.pop(key, None)
        result = services().create_item(actor(), plan_key, key=f"form:{form_token()}", **args)
    except TrackerError as error:
        context = form_context(plan, values, error_field=error_field(error),
                               error_message=translate_error(error))
        return render("items/new.html", "items/_new_form.html", error.status, **context)
    if result.notification_id is None:
        flash(_("This form was already submitted; here is the item it created."), "info")
    else:
        flash(_("The item was created."), "success")
    return redirect(url_for("items.item", item_id=str(result.id)))
