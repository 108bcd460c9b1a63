"""Reports: the leaders' ledger, unit grades, the audit trail and its chain head."""

from __future__ import annotations

from typing import Any

from flask import Response, stream_with_context

from projections.grades import unit_grades as grades_of
from tracker.auditexport import audit_records, signed_head, stream_csv, stream_jsonl
from tracker.errors import N_, NotFoundError
from web.api import bp
from web.api.common import arg, choice_arg, instant_arg, json_response, past_arg, view_json
from web.audit.signing import head_signer
from web.services import services

AUDIT_FORMATS = ("jsonl", "csv")
AUDIT_MIMETYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv"}


def _check_plan(plan: str | None) -> None:
    if plan is not None and services().queries.get_plan(plan) is None:
        raise NotFoundError(N_("There is no %(what)s %(key)s."), what="plan", key=plan)


@bp.get("/reports/leaders")
def leaders() -> Response:
    """The responsibility ledger: one entry per person with its figures and their items."""
    plan = arg("plan")
    _check_plan(plan)
    as_of = instant_arg("as_of", end_of_day=True)
    view = past_arg(plan)
    rows = services().queries.ledger(plan, person=arg("person"), as_of=view)
    return json_response({"plan": plan, "as_of": as_of, "view": view_json(view),
                          "leaders": rows})


@bp.get("/units/<key>/grades")
def unit_grades(key: str) -> Response:
    """The unit's grade history, oldest first (optionally one plan's, as of a date)."""
    svc = services()
    if key not in {u["key"] for u in svc.queries.unit_list()}:
        raise NotFoundError(N_("There is no %(what)s %(key)s."), what="unit", key=key)
    view = past_arg(arg("plan"))
    grades = grades_of(svc.read_models.engine, key, plan_key=arg("plan"), as_of=view,
                       tz=svc.tracker.timezone)
    body: dict[str, Any] = {"unit": key, "grades": grades}
    if view is not None:
        body["view"] = view_json(view)
    return json_response(body)


def _audit_filters() -> dict[str, Any]:
    return {"plan": arg("plan"), "actor": arg("actor"), "event_type": arg("event_type"),
            "item": arg("item"), "since": instant_arg("since"),
            "until": instant_arg("until", end_of_day=True)}


@bp.get("/audit")
def audit() -> Response:
    """The audit trail in notification order, streamed: chained JSON Lines or CSV."""
    fmt = choice_arg("format", AUDIT_FORMATS) or "jsonl"
    filters = _audit_filters()
    records = audit_records(services().queries, **filters)
    signer = head_signer()
    chunks = (stream_jsonl(records, signer) if fmt == "jsonl"
              else stream_csv(records, signer=signer))
    response = Response(stream_with_context(chunks), mimetype=AUDIT_MIMETYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="audit.{fmt}"'
    return response


@bp.get("/audit/head")
def audit_chain_head() -> Response:
    """The signed chain head a full export (or one with the same filters) ends with."""
    return json_response(signed_head(services().queries, head_signer(), **_audit_filters()))
