"""The work register 工作台账: the page (filters like the board, as of a day) and downloads."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, request
from flask_babel import gettext as _

from projections.lights import LIGHTS
from projections.reports import data
from projections.reports.labels import light as light_word
from projections.reports.notice import notice, notice_paper
from projections.reports.register import register as build
from projections.reports.register import register_paper
from projections.reports.render import paper_html
from web.auth import login_required
from web.reports import bp
from web.reports.labels import lang
from web.reports.views import download, page
from web.services import services

FORMATS = ("xlsx", "docx", "pdf", "csv")
FILTERS = ("unit", "leader", "owner", "light", "group")


def _args() -> dict[str, Any]:
    args = {k: request.args.get(k) or None for k in FILTERS}
    if args["light"] not in (None, *LIGHTS):
        abort(400, _("Choose a light: red, yellow or green."))
    return args


def _report() -> tuple[dict[str, Any], dict[str, Any]]:
    q = services().queries
    plan_key = request.args.get("plan") or None
    if plan_key is None:
        plans = q.list_plans()
        if not plans:
            abort(404, _("There is no plan yet."))
        plan_key = plans[-1]["key"]
    args = _args()
    report = build(q, plan_key, data.parse_as_of(request.args.get("as_of")), **args)
    keep = {"plan": plan_key, "as_of": request.args.get("as_of") or None, **args}
    return report, {k: v for k, v in keep.items() if v}


@bp.get("/reports/register")
@login_required
def register() -> str:
    """The register on screen as it prints: one row per item, names, progress and light."""
    report, args = _report()
    t = lang()
    return page("reports/register.html", report=report, args=args, formats=FORMATS,
                lights=[(k, light_word(t, k)) for k in LIGHTS],
                paper=paper_html(register_paper(t, report)))


@bp.get("/reports/register.<fmt>")
@login_required
def register_download(fmt: str) -> Response:
    """The register as XLSX, DOCX, PDF or CSV in the user's language."""
    report, _args_kept = _report()
    return download(fmt, FORMATS, "register", lambda: register_paper(lang(), report))


@bp.get("/reports/notice/<item_id>/<int:n>.<fmt>")
@login_required
def notice_download(item_id: str, n: int, fmt: str) -> Response:
    """The item's n-th supervision notice with its receipt, one A4 page (DOCX or PDF)."""
    found = notice(services().queries, item_id, n)
    return download(fmt, ("docx", "pdf"), "notice", lambda: notice_paper(lang(), found))
