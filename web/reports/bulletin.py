"""The bulletin 通报 page of a period and its downloads (DOCX, PDF, XLSX)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Response, abort, request
from flask_babel import gettext as _

from projections.reports import data
from projections.reports.bulletin import bulletin as build
from projections.reports.bulletin import bulletin_paper
from projections.reports.render import paper_html
from web.auth import login_required
from web.reports import bp
from web.reports.labels import lang
from web.reports.views import download, page
from web.services import services

FORMATS = ("docx", "pdf", "xlsx")
DEFAULT_DAYS = 30


def _report() -> tuple[dict[str, Any], dict[str, Any]]:
    q = services().queries
    plan_key = request.args.get("plan") or None
    if plan_key is None:
        plans = q.list_plans()
        if not plans:
            abort(404, _("There is no plan yet."))
        plan_key = plans[-1]["key"]
    end = data.parse_as_of(request.args.get("to")) or q.today()
    start = data.parse_as_of(request.args.get("from")) or end - timedelta(days=DEFAULT_DAYS)
    args = {"plan": plan_key, "from": start.isoformat(), "to": end.isoformat()}
    return build(q, plan_key, start, end), args


@bp.get("/reports/bulletin")
@login_required
def bulletin() -> str:
    """The bulletin of a period (the last 30 days unless chosen), as it prints."""
    report, args = _report()
    return page("reports/bulletin.html", report=report, args=args, formats=FORMATS,
                paper=paper_html(bulletin_paper(lang(), report)))


@bp.get("/reports/bulletin.<fmt>")
@login_required
def bulletin_download(fmt: str) -> Response:
    """The bulletin as DOCX, PDF or XLSX in the user's language."""
    report, _args = _report()
    return download(fmt, FORMATS, "bulletin", lambda: bulletin_paper(lang(), report))
