"""Report pages and their downloads: the web renders what the read side builds."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from flask import Response, abort, render_template, request, send_file
from flask_babel import gettext as _

from projections.reports import data
from projections.reports.document import Document
from projections.reports.export import MIME, write
from projections.reports.papers import page_words
from projections.reports.render import paper_css, paper_html
from projections.reports.review_paper import ledger_paper, review_paper
from tracker.grading import CRITERIA
from web.auth import current_actor, login_required
from web.reports import bp, charts
from web.reports.calendar_feed import feed_url
from web.reports.labels import column, criterion, direction, grade, handover, lang
from web.reports.units import nomination_form
from web.services import services

LEDGER_FORMATS = ("xlsx", "docx", "pdf", "csv")
REVIEW_FORMATS = ("docx", "xlsx", "pdf")


def _args() -> dict[str, Any]:
    """The plan and as-of date every report takes from the query string."""
    return {"plan_key": request.args.get("plan") or None,
            "as_of": data.parse_as_of(request.args.get("as_of")),
            "basis": request.args.get("basis") or None}


def page(template: str, **context: Any) -> str:
    """A report page with the labels and the plans its filters offer."""
    return render_template(template, column=column, grade=grade, direction=direction,
                           direction_label=handover,
                           criteria=CRITERIA, criterion=criterion, plans=services().queries
                           .list_plans(), **context)


def download(fmt: str, formats: tuple[str, ...], name: str,
             build: Callable[[], Document]) -> Response:
    """The paper in a format, as an attachment (unknown formats are not found)."""
    if fmt not in formats:
        abort(404)
    buffer = io.BytesIO()
    write(build(), fmt, buffer)
    buffer.seek(0)
    return send_file(buffer, mimetype=MIME[fmt], as_attachment=True,
                     download_name=f"{name}.{fmt}")


@bp.get("/reports/paper.css")
def paper_stylesheet() -> Response:
    """The papers' stylesheet (screen, print, PDF) with page numbers in the user's language."""
    response = Response(paper_css(page_words(lang())), mimetype="text/css")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/reports/leaders")
@login_required
def leaders() -> str:
    """Summary table of every person's ledger, by rank or sorted by a column, with charts."""
    q = services().queries
    report = data.leaders(q, **_args(), sort=request.args.get("sort", "rank"),
                          desc=request.args.get("desc") == "1")
    units = data.unit_lights(q, report["plan_key"], report["view"], report["day"])
    return page("reports/leaders.html", report=report, columns=data.COLUMNS, chart={
        "rates": charts.on_time_rates(report["rows"]), "lights": charts.unit_lights(units),
        "weeks": charts.done_per_week(report["rows"])})


@bp.get("/reports/leaders.<fmt>")
@login_required
def leaders_export(fmt: str) -> Response:
    """The ledger of every person as a spreadsheet, a Word document or a PDF."""
    report = data.leaders(services().queries, **_args())
    return download(fmt, LEDGER_FORMATS, "ledger", lambda: ledger_paper(lang(), report))


@bp.get("/reports/leaders/<person>")
@login_required
def person(person: str) -> str:
    """One person's figures, the items behind each, and the units they liaise with."""
    report = data.person(services().queries, person, **_args())
    mine = current_actor().person == person
    return page("reports/person.html", report=report, figures=data.FIGURES,
                calendar=feed_url(person) if mine else None)


def _review_args() -> dict[str, Any]:
    args = _args()
    if args["plan_key"] is None:
        plans = services().queries.list_plans()
        if not plans:
            abort(404, _("There is no plan to review yet."))
        args["plan_key"] = plans[-1]["key"]
    return args


@bp.get("/reports/review")
@login_required
def review() -> str:
    """The final review 总结考评 as a print-ready page."""
    args = _review_args()
    report = data.review(services().queries, **args)
    return page("reports/review.html", report=report, columns=data.COLUMNS,
                nominating=nomination_form(args["plan_key"]),
                paper=paper_html(review_paper(lang(), report)))


@bp.get("/reports/review.<fmt>")
@login_required
def review_download(fmt: str) -> Response:
    """The final review as a Word document, a spreadsheet or a PDF."""
    args = _review_args()
    report = data.review(services().queries, **args)
    return download(fmt, REVIEW_FORMATS, "review", lambda: review_paper(lang(), report))
