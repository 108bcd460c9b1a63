"""Audit pages: the trail with filters and keyset paging, streamed exports, the chain head."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any

import sqlalchemy as sa
from flask import Response, g, jsonify, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from projections import tables as t
from tracker.auditexport import audit_records, signed_head, stream_csv, stream_jsonl, stream_xlsx
from tracker.domain.base import person_id, plan_id, unit_id
from tracker.domain.fields import parse_date
from tracker.errors import ValidationError
from web.audit import bp
from web.audit.describe import describe, event_type_options
from web.audit.signing import head_signer
from web.auth import login_required
from web.extensions import ReasonedBadRequest
from web.labels import actor_name, field_label
from web.services import services

PAGE = 50
TEXT_FILTERS = ("plan", "item", "actor", "event_type")
EXPORTS = {"jsonl": ("application/x-ndjson", stream_jsonl),
           "csv": ("text/csv; charset=utf-8", stream_csv),
           "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    stream_xlsx)}


def _day(name: str, end: bool) -> datetime | None:
    try:
        day = parse_date(request.args.get(name), name)
    except ValidationError:
        raise ReasonedBadRequest(_("%(field)s must be a date like 2012-06-30.",
                           field=field_label(name))) from None
    if day is None:
        return None
    local = datetime.combine(day, time.max if end else time.min,
                             tzinfo=services().settings.timezone)
    return local.astimezone(UTC)


def audit_filters() -> dict[str, Any]:
    """The filters in the query string (dates are whole days in the tracker's time zone)."""
    filters: dict[str, Any] = {k: request.args.get(k, "").strip() or None for k in TEXT_FILTERS}
    filters["since"], filters["until"] = _day("since", False), _day("until", True)
    return filters


def _names(rows: list[dict[str, Any]]) -> tuple[dict[str, str], dict[str, str]]:
    """People's names and the titles of the items on this page."""
    q = services().queries
    people = {p["key"]: p["name"] for p in q.people()}
    ids = sorted({str(r["aggregate_id"]) for r in rows if r["aggregate_type"] == "WorkItem"})
    with services().read_models.engine.connect() as conn:
        found = conn.execute(sa.select(t.board.c.id, t.board.c.title).where(t.board.c.id.in_(ids)))
        titles = dict(found.tuples().all())
    titles.update(other_names())
    return people, titles


def actor_options(people: dict[str, str]) -> list[tuple[str, str]]:
    """Everyone who appears in the trail (people and accounts), by name, for the filter."""
    with services().read_models.engine.connect() as conn:
        actors = conn.execute(sa.select(t.audit.c.actor).distinct()).scalars().all()
    return sorted(((a, actor_name(a, people)) for a in set(actors) | set(people)),
                  key=lambda o: o[1])


def other_names() -> dict[str, str]:
    """Plans, units and people by their aggregate ids (the trail names them, never by key)."""
    q = services().queries
    names = {str(plan_id(p["key"])): p["title"] for p in q.list_plans()}
    names.update({str(unit_id(u["key"])): u["name"] for u in q.unit_list()})
    names.update({str(person_id(p["key"])): p["name"] for p in q.people()})
    return names


@bp.get("/audit")
@login_required
def trail() -> str:
    """The whole trail (or a filter of it), newest pages loaded as the user scrolls."""
    g.no_store = True
    filters = audit_filters()
    raw = request.args.get("after", "0") or "0"
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):  # fits a BIGINT
        raise ReasonedBadRequest(
            _("The page position must be a whole number of at most 18 digits."))
    after = int(raw)
    rows = services().queries.audit(after_seq=after, limit=PAGE,
                                    **{k: v for k, v in filters.items() if v is not None})
    people, titles = _names(rows)
    entries = [{**r, "text": describe(r, people, titles)} for r in rows]
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "after" and v}
    more = url_for("audit.trail", **args, after=rows[-1]["seq"]) if len(rows) == PAGE else None
    context = {"entries": entries, "more": more, "args": args,
               "plans": services().queries.list_plans(), "people": people,
               "actors": actor_options(people), "event_types": event_type_options(),
               "exports": {f: url_for("audit.export", fmt=f, **args) for f in EXPORTS}}
    if request.headers.get("HX-Request") == "true" and after:
        return render_template("audit/_rows.html", **context)
    return render_template("audit/index.html", **context)


@bp.get("/audit/export.<fmt>")
@login_required
def export(fmt: str) -> Response:
    """The trail (or a filter of it) streamed as chained JSON Lines, CSV or XLSX."""
    g.no_store = True
    if fmt not in EXPORTS:
        raise BadRequest("format must be jsonl, csv or xlsx")
    mimetype, stream = EXPORTS[fmt]
    records = audit_records(services().queries, **audit_filters())
    body: Iterator[Any] = stream(records, signer=head_signer())  # type: ignore[operator]
    response = Response(stream_with_context(body), mimetype=mimetype)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    response.headers["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
    return response


@bp.get("/audit/head")
@login_required
def head() -> Response:
    """The current chain head of the whole trail, its last sequence number and signature."""
    g.no_store = True
    return jsonify(signed_head(services().queries, head_signer()))
