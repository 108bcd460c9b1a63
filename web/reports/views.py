"""Report pages and their XLSX / DOCX downloads."""

from __future__ import annotations

import io
from typing import Any

from flask import Response, abort, request, send_file
from flask_babel import gettext as _

from tracker.grading import CRITERIA
from web.auth import current_actor, login_required
from web.reports import bp, charts, data
from web.reports.calendar_feed import feed_url
from web.reports.exports import LEDGER_KEYS, ledger_export, review_export
from web.reports.labels import CRITERION, column, direction, grade
from web.reports.units import nomination_form
from web.services import services

MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _args() -> dict[str, Any]:
    """The plan and as-of date every report takes from the query string."""
    return {"plan_key": request.args.get("plan") or None,
            "as_of": data.parse_as_of(request.args.get("as_of")),
            "basis": request.args.get("basis") or None}


def _page(template: str, **context: Any) -> str:
    from flask import render_template

    return render_template(template, column=column, grade=grade, direction=direction,
                           criteria=CRITERIA, criterion=CRITERION, plans=services().queries
                           .list_plans(), **context)


def _download(fmt: str, name: str, write: Any) -> Response:
    if fmt not in MIME:
        abort(404)
    buffer = io.BytesIO()
    write(fmt, buffer)
    buffer.seek(0)
    return send_file(buffer, mimetype=MIME[fmt], as_attachment=True,
                     download_name=f"{name}.{fmt}")


@bp.get("/reports/leaders")
@login_required
def leaders() -> str:
    """Summary table of every person's ledger, sortable by each column, with charts."""
    q = services().queries
    report = data.leaders(q, **_args(), sort=request.args.get("sort", "name"),
                          desc=request.args.get("desc") == "1")
    units = data.unit_lights(q, report["plan_key"], report["view"], report["day"])
    return _page("reports/leaders.html", report=report, columns=data.COLUMNS, chart={
        "rates": charts.on_time_rates(report["rows"]), "lights": charts.unit_lights(units),
        "weeks": charts.done_per_week(report["rows"])})


@bp.get("/reports/leaders.<fmt>")
@login_required
def leaders_export(fmt: str) -> Response:
    """The ledger of every person as a spreadsheet or a Word document."""
    report = data.leaders(services().queries, **_args())
    return _download(fmt, "ledger", lambda f, out: ledger_export(report, f, out))


@bp.get("/reports/leaders/<person>")
@login_required
def person(person: str) -> str:
    """One person's figures, the items behind each, and the units they liaise with."""
    report = data.person(services().queries, person, **_args())
    mine = current_actor().person == person
    return _page("reports/person.html", report=report, figures=data.FIGURES,
                 calendar=feed_url(person) if mine else None)


@bp.get("/reports/review")
@login_required
def review() -> str:
    """The final review 总结考评 as a print-ready page."""
    args = _args()
    if args["plan_key"] is None:
        plans = services().queries.list_plans()
        if not plans:
            abort(404, _("There is no plan to review yet."))
        args["plan_key"] = plans[-1]["key"]
    report = data.review(services().queries, **args)
    return _page("reports/review.html", report=report, columns=data.COLUMNS,
                 keys=LEDGER_KEYS, nominating=nomination_form())


@bp.get("/reports/review.<fmt>")
@login_required
def review_download(fmt: str) -> Response:
    """The final review as a Word document or a spreadsheet."""
    args = _args()
    if args["plan_key"] is None:
        abort(400, _("Choose a plan."))
    report = data.review(services().queries, **args)
    return _download(fmt, f"review-{args['plan_key']}",
                     lambda f, out: review_export(report, f, out))
