"""Plans (import, list, read) and the board."""

from __future__ import annotations

from datetime import date

from flask import Response, request
from flask_babel import gettext as _

from tracker.domain import STATUSES
from tracker.domain.fields import parse_date
from tracker.errors import N_, NotFoundError
from tracker.importer import import_plan
from tracker.permissions import authorize
from tracker.planfile import PlanFileError, parse_plan_file
from tracker.planspecs import Problem
from tracker.tasksheet import SheetOptions, is_workbook, read_task_sheet
from web.api import bp
from web.api.common import (
    api_user,
    arg,
    bool_arg,
    instant_arg,
    json_body,
    json_response,
    past_arg,
    view_json,
)
from web.api.paging import Page, paged
from web.extensions import error_response
from web.services import services


def _sheet_options() -> SheetOptions:
    def day(name: str) -> date | None:
        return parse_date(arg(name), name)

    return SheetOptions(arg("key"), arg("title"), day("starts"), day("ends"))


def _problem(p: Problem) -> dict[str, object]:
    found: dict[str, object] = {"line": p.line, "message": p.message}
    if p.sheet is not None:
        found.update(sheet=p.sheet, row=p.line, column=p.column)
    return found


@bp.post("/plans")
def import_plan_file() -> Response | tuple[Response | str, int]:
    """Import a plan file (YAML or JSON) or a task sheet (XLSX) → 201; a bad file → 422 with
    every problem by line (or sheet, row and column)."""
    actor = api_user().actor
    authorize(actor, "import")  # refuse before reading the file: a viewer learns nothing
    svc = services()
    data = request.get_data(cache=True)
    try:
        if is_workbook(data):
            q = svc.queries
            plan_file = read_task_sheet(data, _sheet_options(),
                                        {p["name"]: p["key"] for p in q.people()},
                                        {u["name"]: u["key"] for u in q.unit_list()})
        else:
            plan_file = parse_plan_file(data)
        result = import_plan(svc.tracker, plan_file, actor,
                             update_directory=bool_arg("update_directory"))
    except PlanFileError as e:
        return error_response(422, "invalid_plan", _("The plan file was refused; nothing was "
                                                     "written."),
                              problems=[_problem(p) for p in e.problems])
    svc.sync(result.notification_id)
    return json_response({"plan": result.plan_key, "aggregates": result.aggregates,
                          "events": result.events}, 201)


@bp.get("/plans")
def list_plans() -> Response:
    """The plans with their goals and phases, a page at a time."""
    page = Page.from_args()
    queries = services().queries
    return paged("plans", queries.list_plans(page.offset, page.limit), queries.count_plans(),
                 page)


@bp.get("/plans/<key>")
def get_plan(key: str) -> Response:
    """One plan with its progress per plan, goal and phase."""
    plan = services().queries.get_plan(key)
    if plan is None:
        raise NotFoundError(N_("There is no %(what)s %(key)s."), what="plan", key=key)
    return json_response(plan)


@bp.put("/plans/<key>/leadership")
def set_leadership(key: str) -> Response:
    """Name a plan's leadership group and supervising office (administrators only)."""
    actor = api_user().actor
    authorize(actor, "plan")
    body = json_body()
    svc = services()
    result = svc.tracker.set_leadership(actor, key, body.get("leadership"))
    svc.sync(result)
    return json_response({"plan": key, "leadership": svc.tracker.leadership(key)})


@bp.put("/plans/<key>/wip-limits")
def set_wip_limits(key: str) -> Response:
    """Set the board's column limits and whether they are enforced (admin or plan leadership)."""
    actor = api_user().actor
    body = json_body()
    svc = services()
    result = svc.tracker.set_wip_limits(actor, key, limits=body.get("limits", {}),
                                        enforced=body.get("enforced", False))
    svc.sync(result)
    return json_response(wip_limits(key))


@bp.get("/plans/<key>/wip-limits")
def get_wip_limits(key: str) -> Response:
    """The board's column limits, whether they are enforced and how full each column is."""
    if services().queries.get_plan(key) is None:
        raise NotFoundError(N_("There is no %(what)s %(key)s."), what="plan", key=key)
    return json_response(wip_limits(key))


def wip_limits(key: str) -> dict[str, object]:
    """A plan's column limits as the API shows them."""
    plan = services().tracker.get_plan(key)
    return {"plan": key, "limits": plan.wip_limits, "enforced": plan.wip_enforced,
            "counts": services().queries.column_counts(key)}


@bp.get("/board")
def board() -> Response:
    """The board's columns (cards by status), now or as of an instant."""
    plan = arg("plan")
    as_of = instant_arg("as_of", end_of_day=True)
    if plan is not None and services().queries.get_plan(plan) is None:
        raise NotFoundError(N_("There is no %(what)s %(key)s."), what="plan", key=plan)
    view = past_arg(plan)
    include_cancelled = bool_arg("include_cancelled")
    cards = services().queries.board(plan, include_cancelled=include_cancelled, as_of=view)
    shown = STATUSES if include_cancelled else STATUSES[:-1]
    columns = [{"status": s, "cards": [c for c in cards if c["status"] == s]} for s in shown]
    return json_response({"plan": plan, "as_of": as_of, "view": view_json(view),
                          "columns": columns})
