"""Reports: the leaders' ledger, unit grades, the audit trail and its chain head."""

from __future__ import annotations

import re
from itertools import takewhile
from typing import Any

from flask import Response, stream_with_context

from projections.grades import unit_grades as grades_of
from tracker.auditchain import GENESIS
from tracker.auditexport import (
    audit_records,
    chain_head,
    chained,
    export_record,
    signed_head,
    stream_csv,
    stream_jsonl,
)
from tracker.errors import N_, NotFoundError
from web.api import bp
from web.api.common import arg, choice_arg, instant_arg, json_response, past_arg, view_json
from web.api.paging import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MAX_SEQ,
    PagingError,
    next_url,
    whole,
    with_next,
)
from web.audit.signing import head_signer
from web.services import services

AUDIT_FORMATS = ("jsonl", "csv", "json")
AUDIT_MIMETYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv"}
HASH = re.compile(r"[0-9a-f]{64}")


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
    """The audit trail in notification order, a page at a time: chained JSON Lines, CSV or a
    JSON list; each page continues the chain of the one before it."""
    fmt = choice_arg("format", AUDIT_FORMATS) or "jsonl"
    filters = _audit_filters()
    limit, after = whole("limit", DEFAULT_LIMIT, 1, MAX_LIMIT), whole("after", 0, 0, MAX_SEQ)
    queries = services().queries
    prev_hash = _prev_hash(filters, after)
    rows = queries.audit(**filters, after_seq=after, limit=limit + 1)
    more, rows = len(rows) > limit, rows[:limit]
    records = [export_record(row) for row in rows]
    total = queries.count_audit(**filters)
    next_page = None
    if more:
        last = list(chained(records, prev_hash))[-1]["hash"]
        cursor = {"prev_hash": last} if any(v is not None for v in filters.values()) else {}
        next_page = next_url(after=rows[-1]["seq"], limit=limit, **cursor)
    if fmt == "json":
        response = json_response({"records": list(chained(records, prev_hash)), "total": total,
                                  "limit": limit, "after": after, "next": next_page})
    else:
        signer = head_signer()
        chunks = (stream_jsonl(records, signer, prev_hash) if fmt == "jsonl"
                  else stream_csv(records, signer=signer, prev_hash=prev_hash))
        response = Response(stream_with_context(chunks), mimetype=AUDIT_MIMETYPES[fmt])
        response.headers["Content-Disposition"] = f'attachment; filename="audit.{fmt}"'
    response.headers["X-Total-Count"] = str(total)
    return with_next(response, next_page)


def _prev_hash(filters: dict[str, Any], after: int) -> str:
    """The hash the page's first record chains to: the stored running head of the whole
    trail, or for a filter of it the next link's prev_hash (else the filter's chain is
    recomputed up to the cursor)."""
    given = arg("prev_hash")
    if given is not None:
        if not HASH.fullmatch(given):
            raise PagingError(N_("%(field)s must be 64 lowercase hexadecimal digits."),
                              field="prev_hash")
        return given
    if after == 0:
        return GENESIS
    queries = services().queries
    if all(v is None for v in filters.values()):
        return str(queries.chain_head(through=after)["chain_head"])
    return str(chain_head(takewhile(lambda r: r["seq"] <= after,
                                    audit_records(queries, **filters)))["chain_head"])


@bp.get("/audit/head")
def audit_chain_head() -> Response:
    """The signed chain head a full export (or one with the same filters) ends with."""
    return json_response(signed_head(services().queries, head_signer(), **_audit_filters()))
