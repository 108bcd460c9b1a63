"""Creating a work item in a plan (Post/Redirect/Get; errors shown next to their field)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker.domain.fields import Field, Form, parse_args, parse_date
from tracker.domain.plan import outside_window
from tracker.errors import TrackerError, ValidationError
from tracker.permissions import authorize
from web.auth import login_required
from web.extensions import translate_error
from web.items import bp
from web.items.forms import command_values, error_field, plan_roles
from web.items.ui import actor, plan_info, render
from web.services import services

CREATE = Form("create", (
    Field("title", "text", True), Field("owner", "person", True), Field("lead_unit", "unit", True),
    Field("units", "list"), Field("due", "date"), Field("phase", "text"),
    Field("goal", "text"), Field("deliverable", "text"), Field("description", "text"),
    Field("report_every_days", "int"), Field("parent", "text"), Field("every", "text"),
    Field("due_day", "int"),
))
OPTIONAL_KEYS = ("phase", "goal", "parent", "every")
# The periods the form offers, as a plan file writes them (tracker.planperiods.parse_every).
EVERY_CHOICES = ("1 week", "2 weeks", "1 month", "3 months", "6 months", "1 year")
_TOKEN = re.compile(r"[0-9a-f]{32}")


def form_token() -> str:
    """The form's own token: a retried submission of one form creates one item, while every
    new form creates a new item (two items may share a title)."""
    token = request.form.get("form_token", "")
    return token if _TOKEN.fullmatch(token) else uuid.uuid4().hex


def form_context(plan: dict[str, Any], values: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """What the create form needs: the plan and what was typed (people, units and the parent
    item are picked through web.pickers)."""
    return {"plan": plan, "spec": CREATE, "values": values, "form_token": form_token(),
            "every_choices": EVERY_CHOICES, "due_hint": due_hint(plan, values),
            "preview": recurrence_preview(plan, values),
            "error_field": None, "error_message": None, **extra}


def due_hint(plan: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """What the due-date field shows beside it: the plan's and the chosen phase's windows, and
    whether the date typed lies outside the phase (a warning) or is not a date."""
    phase = next((p for p in plan["phases"] if p["key"] == values.get("phase")), None)
    hint: dict[str, Any] = {"plan": plan, "phase": phase, "outside": False,
                            "outside_plan": False, "error": None}
    try:
        due = parse_date(values.get("due") or None, "due")
    except ValidationError as error:
        hint["error"] = translate_error(error)
        return hint
    hint["due"] = due
    hint["outside"] = due is not None and outside_window(due, phase)
    hint["outside_plan"] = due is not None and outside_window(
        due, {"starts": plan["starts"], "ends": plan["ends"]})
    return hint


@bp.route("/plans/<plan_key>/items/new/due")
@login_required
def due_window(plan_key: str) -> tuple[str, int]:
    """The due-date hint, live as the date or phase changes (htmx)."""
    plan = plan_info(plan_key)
    if plan is None:
        abort(404)
    values = {"due": request.args.get("due", "")[:40], "phase": request.args.get("phase", "")}
    return render_template("items/_due_hint.html", hint=due_hint(plan, values)), 200


PREVIEW = (Field("every", "text"), Field("due_day", "int"), Field("due", "date"),
           Field("title", "text"))


def recurrence_preview(plan: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The items a recurring item would make (or why it would be refused); empty when the item
    does not repeat."""
    if not values.get("every"):
        return {"copies": [], "error": None}
    wanted = {f.name: values.get(f.name) or "" for f in PREVIEW}
    wanted["title"] = wanted["title"] or "…"
    try:
        args = parse_args(PREVIEW, wanted)
        items = services().tracker.recurrence(plan["key"], **args)
    except TrackerError as error:
        return {"copies": [], "error": translate_error(error)}
    return {"copies": items, "error": None}


@bp.route("/plans/<plan_key>/items/new/recurrence")
@login_required
def recurrence(plan_key: str) -> tuple[str, int]:
    """What a recurring item would make, live as its period, due day or due date change."""
    plan = plan_info(plan_key)
    if plan is None:
        abort(404)
    values = {f.name: request.args.get(f.name, "")[:500] for f in PREVIEW}
    return render_template("items/_recurrence.html", preview=recurrence_preview(plan, values)), 200


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
        for name in OPTIONAL_KEYS:
            if not args.get(name):
                args.pop(name, None)
        key = f"form:{form_token()}"
        if "every" in args:
            result = services().create_recurring_item(actor(), plan_key, key=key, **args)
        else:
            args.pop("due_day", None)
            args.setdefault("due", None)  # the application names it when it is missing
            result = services().create_item(actor(), plan_key, key=key, **args)
    except TrackerError as error:
        context = form_context(plan, values, error_field=error_field(error),
                               error_message=translate_error(error))
        return render("items/new.html", "items/_new_form.html", error.status, **context)
    if result.notification_id is None:
        flash(_("This form was already submitted; here is the item it created."), "info")
    elif "every" in args:
        made = sum(1 for c in services().queries.board(plan_key) if c["key"].startswith(f"{key}#"))
        flash(_("The recurring item was created: %(n)s items, one for each period of the plan.",
                n=made), "success")
    else:
        flash(_("The item was created."), "success")
    hint = due_hint(plan, values)
    if hint["outside"]:
        flash(_("The due date %(due)s lies outside the phase “%(phase)s” (%(starts)s to "
                "%(ends)s).", due=hint["due"].isoformat(), phase=hint["phase"]["title"],
                starts=hint["phase"]["starts"].isoformat(),
                ends=hint["phase"]["ends"].isoformat()), "warning")
    return redirect(url_for("items.item", item_id=str(result.id)))
