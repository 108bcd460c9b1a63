"""A unit's grade history 分类定级, the assessment form (admin), and nominations 评选推荐."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from projections.grades import movement, unit_grades
from tracker.domain.fields import parse_date
from tracker.errors import TrackerError
from tracker.grading import CRITERIA, DEFAULT_THRESHOLDS, DEFAULT_WEIGHTS, NOMINATION_KINDS
from tracker.permissions import allowed, authorize
from web.auth import current_actor, login_required
from web.extensions import translate_error
from web.labels import actor_name
from web.reports import bp
from web.reports.labels import criterion, direction, grade, nomination
from web.services import services

Row = dict[str, Any]
SIDES = ("self", "superior")
# The domain names fields by id ("scores.self.leadership"); the form's inputs by side.
FIELDS = {"label": "label", "on": "on", "scores.self": "self", "scores.superior": "superior",
          "reason": "reason", "kind": "kind"}


def _unit(key: str) -> Row:
    unit = next((u for u in services().queries.unit_list() if u["key"] == key), None)
    if unit is None:
        abort(404, _("There is no unit %(key)s.", key=key))
    return unit


def error_field(error: TrackerError) -> str | None:
    """The input a refusal concerns, so its message can sit next to it."""
    named = str(error.params.get("field", ""))
    head, _, criterion = named.rpartition(".")
    if FIELDS.get(head) in SIDES and criterion in CRITERIA:
        return f"{FIELDS[head]}_{criterion}"
    field = FIELDS.get(named)
    if field is None and "label" in error.params:
        return "label"  # already assessed under this label
    if field is None and error.params.get("what") == "plan":
        return "plan"
    return field


def _weights(plan_key: str | None) -> dict[str, Any]:
    """The plan's weights and thresholds (the defaults for no plan or an unknown one)."""
    used: dict[str, Any] = {**DEFAULT_WEIGHTS, **{
        k: f"{v:g}" for k, v in DEFAULT_THRESHOLDS.items()}}
    if not plan_key:
        return used
    try:
        plan = services().tracker.get_plan(plan_key)
    except TrackerError:
        return used
    used.update(plan.grading_weights or {})
    used.update({k: f"{v:g}" for k, v in (plan.grading_thresholds or {}).items()})
    return used


@bp.get("/units/<key>")
@login_required
def unit(key: str) -> str:
    """The unit's grade history, with the scores on each criterion, and its movement."""
    info = _unit(key)
    plan_key = request.args.get("plan") or None
    engine = services().queries.rm.engine
    moves = [m for m in movement(engine, plan_key) if m["unit"] == key]
    plans = services().queries.list_plans()
    people = services().queries.directory().people_names
    return render_template(
        "reports/unit.html", unit=info, plan_key=plan_key, history=unit_grades(
            engine, key, plan_key, tz=services().tracker.timezone), moves=moves,
        criteria=CRITERIA, criterion=criterion,
        grade=grade, direction=direction, plans=plans,
        plan_titles={p["key"]: p["title"] for p in plans},
        who=lambda actor: actor_name(actor, people),
        may_assess=allowed(current_actor(), "assess"))


def _parse_on(text: str) -> date | None:
    return parse_date(text, "on")


@bp.route("/units/<key>/assess", methods=["GET", "POST"])
@login_required
def assess(key: str) -> Response | str | tuple[str, int]:
    """The form recording an assessment of the unit: the five criteria, self and superior."""
    info = _unit(key)
    actor = current_actor()
    authorize(actor, "assess")
    plans = services().queries.list_plans()
    values: Row = dict(request.form) if request.method == "POST" else {
        "plan": request.args.get("plan") or (plans[-1]["key"] if plans else "")}
    context = {"unit": info, "plans": plans, "values": values, "criteria": CRITERIA,
               "criterion": criterion, "sides": SIDES, "error_field": None,
               "error_message": None, "weights": _weights(values.get("plan"))}
    if request.method == "GET":
        return render_template("reports/assess.html", **context)
    try:
        plan_key = values.get("plan", "")
        scores = {side: {c: values.get(f"{side}_{c}", "") for c in CRITERIA} for side in SIDES}
        result = services().tracker.assess_unit(
            actor, key, plan_key, label=values.get("label", ""), on=_parse_on(
                values.get("on", "")), self_scores=scores["self"],
            superior_scores=scores["superior"])
        services().sync(result)
    except TrackerError as error:
        context.update(error_field=error_field(error), error_message=translate_error(error))
        return render_template("reports/assess.html", **context), error.status
    flash(_("The assessment was recorded."), "success")
    return redirect(url_for("reports.unit", key=key, plan=plan_key))


@bp.post("/reports/review/nominations")
@login_required
def nominate() -> Response:
    """Nominate a unit or a person for the plan, or withdraw a nomination (with a reason)."""
    form = request.form
    plan_key = form.get("plan", "")
    withdraw = form.get("action") == "withdraw"
    kind, _sep, key = form.get("nominee", "").partition(":")  # a withdrawal names it so
    if not kind and form.get("kind") in NOMINATION_KINDS:  # a nomination picks it by kind
        kind = form["kind"]
        key = form.get(kind, "")
    tracker = services().tracker
    try:
        if withdraw:
            result = tracker.withdraw_nomination(current_actor(), plan_key, kind=kind, key=key,
                                                 reason=form.get("reason", ""))
        else:
            result = tracker.nominate(current_actor(), plan_key, kind=kind, key=key,
                                      reason=form.get("reason", ""))
        services().sync(result)
    except TrackerError as error:
        if error.status == 403:
            raise
        flash(translate_error(error), "error")
    else:
        flash(_("The nomination was withdrawn.") if withdraw else
              _("The nomination was recorded."), "success")
    return redirect(url_for("reports.review", plan=plan_key) + "#nominations")


def nomination_form(plan_key: str) -> Row:
    """What the review page's nomination form offers to someone who may nominate (a leader
    by their role in the plan)."""
    roles = services().tracker.leadership(plan_key)
    return {"may": allowed(current_actor(), "nominate", leadership=roles),
            "kinds": NOMINATION_KINDS, "label": nomination}
