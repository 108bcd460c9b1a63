"""Every unit with its latest grade (graded or not), and the plan's grading settings (admin)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from projections.grades import all_grades
from tracker.errors import N_, TrackerError, ValidationError
from tracker.grading import DEFAULT_THRESHOLDS, DEFAULT_WEIGHTS, THRESHOLD_GRADES
from tracker.permissions import allowed, authorize
from web.auth import current_actor, login_required
from web.extensions import translate_error
from web.reports import bp
from web.reports.labels import grade
from web.services import services

Row = dict[str, Any]
WEIGHT_INPUTS = ("self", "superior")
# The domain names a refused setting by id ("weights.self"); the form's inputs by name.
SETTING_FIELDS = {f"weights.{k}": f"weight_{k}" for k in WEIGHT_INPUTS} | {
    f"thresholds.{k}": f"threshold_{k}" for k in THRESHOLD_GRADES} | {
    "weights": "weight_self", "thresholds": "threshold_advanced"}


def chosen_plan(plans: list[Row]) -> str | None:
    """The plan asked for in the query string, else the latest plan."""
    wanted = request.args.get("plan") or request.form.get("plan")
    if wanted and any(p["key"] == wanted for p in plans):
        return wanted
    return plans[-1]["key"] if plans else None


@bp.get("/reports/units")
@login_required
def units() -> str:
    """Every unit, graded or not yet, with its latest grade in the plan and where to assess it."""
    q = services().queries
    plans = q.list_plans()
    plan_key = chosen_plan(plans)
    graded = all_grades(q.rm.engine, plan_key, tz=services().tracker.timezone)
    rows = [{**u, "latest": graded[u["key"]][-1] if graded.get(u["key"]) else None,
             "count": len(graded.get(u["key"], []))} for u in q.unit_list()]
    rows.sort(key=lambda r: r["name"])
    return render_template("reports/units.html", rows=rows, plans=plans, plan_key=plan_key,
                           grade=grade, may_assess=allowed(current_actor(), "assess"),
                           may_set=allowed(current_actor(), "grading"))


def _current(plan_key: str | None) -> tuple[dict[str, int], dict[str, float]]:
    if not plan_key:
        return dict(DEFAULT_WEIGHTS), dict(DEFAULT_THRESHOLDS)
    plan = services().tracker.get_plan(plan_key)
    return (plan.grading_weights or dict(DEFAULT_WEIGHTS),
            plan.grading_thresholds or dict(DEFAULT_THRESHOLDS))


def _whole(text: str) -> int | str:
    """A whole number typed in the form, or the text itself for the domain to refuse."""
    try:
        return int(text.strip())
    except ValueError:
        return text


@bp.route("/reports/grading", methods=["GET", "POST"])
@login_required
def grading() -> Response | str | tuple[str, int]:
    """The plan's grading settings: self / superior weights and each grade's lowest score."""
    actor = current_actor()
    authorize(actor, "grading")
    plans = services().queries.list_plans()
    plan_key = chosen_plan(plans)
    weights, floors = _current(plan_key)
    values: Row = dict(request.form) if request.method == "POST" else {
        **{f"weight_{k}": weights[k] for k in WEIGHT_INPUTS},
        **{f"threshold_{k}": f"{floors[k]:g}" for k in THRESHOLD_GRADES}}
    context: Row = {"plans": plans, "plan_key": plan_key, "values": values, "grade": grade,
                    "grades": THRESHOLD_GRADES, "error_field": None, "error_message": None}
    if request.method == "GET":
        return render_template("reports/grading.html", **context)
    try:
        if plan_key is None:
            raise ValidationError(N_("There is no plan to set grading for yet."))
        result = services().tracker.set_grading(
            actor, plan_key, self_weight=_whole(values.get("weight_self", "")),  # type: ignore[arg-type]
            superior_weight=_whole(values.get("weight_superior", "")),  # type: ignore[arg-type]
            thresholds={k: values.get(f"threshold_{k}", "") for k in THRESHOLD_GRADES})
        services().sync(result)
    except TrackerError as error:
        field = SETTING_FIELDS.get(str(error.params.get("field", "")))
        context.update(error_field=field, error_message=translate_error(error))
        return render_template("reports/grading.html", **context), error.status
    flash(_("The grading settings were saved."), "success")
    return redirect(url_for("reports.grading", plan=plan_key))
