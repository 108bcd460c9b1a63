"""Audit pages: the trail with filters and keyset paging, streamed exports, the chain head."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, time
from typing import Any

import sqlalchemy as sa
from flask import Response, g, jsonify, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from projections import tables as t
from projections.auditpage import AuditSort
from tracker.auditexport import (
    audit_members,
    audit_records,
    signed_head,
    stream_csv,
    stream_members_jsonl,
    stream_xlsx,
)
from tracker.domain.base import person_id, plan_id, unit_id
from tracker.domain.fields import parse_date
from tracker.errors import ValidationError
from web.audit import bp
from web.audit.describe import describe, event_type_options
from web.audit.signing import head_signer
from web.auth import login_required
from web.extensions import ReasonedBadRequest
from web.labels import actor_name, field_label
from web.pickers.routes import named_options
from web.services import services

PAGE = 50
TEXT_FILTERS = ("plan", "item", "actor", "event_type")
SORTS = ("seq", "time", "actor", "event")  # time is sequence: the trail's order is recorded order
EXPORTS = {"jsonl": ("application/x-ndjson", audit_members, stream_members_jsonl),
           "csv": ("text/csv; charset=utf-8", audit_records, stream_csv),
           "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    audit_records, stream_xlsx)}


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


def _names(rows: list[dict[str, Any]]) -> tuple[Mapping[str, str], dict[str, str]]:
    """People's names and the titles of the items on this page."""
    q = services().queries
    people = q.directory().people_names
    ids = sorted({str(r["aggregate_id"]) for r in rows if r["aggregate_type"] == "WorkItem"})
    with services().read_models.engine.connect() as conn:
        found = conn.execute(sa.select(t.board.c.id, t.board.c.title).where(t.board.c.id.in_(ids)))
        titles = dict(found.tuples().all())
    titles.update(other_names())
    return people, titles


def actor_options(people: Mapping[str, str]) -> list[tuple[str, str]]:
    """Everyone who appears in the trail (people and accounts), by name, for the filter."""
    with services().read_models.engine.connect() as conn:
        actors = conn.execute(sa.select(t.audit.c.actor).distinct()).scalars().all()
    return sorted(((a, actor_name(a, people)) for a in set(actors) | set(people)),
                  key=lambda o: o[1])


def actor_picker(actor: str | None, people: Mapping[str, str],
                 actors: list[tuple[str, str]]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The actor filter: a people picker searched as the user types, and the trail's actors
    that are no person (the system, accounts), few enough to list beside it by name."""
    others = [(key, name) for key, name in actors if key and key not in people]
    if actor and actor not in people and actor not in dict(others):
        others.append((actor, actor_name(actor, people)))  # shown by name, even if unknown
    picker = named_options("actor", actor if actor in people else None,
                           request.args.get("actor_q", ""), is_filter=True)
    # A chosen account's radio is beside the picker, so the picker's "anyone" is not checked.
    return {**picker, "chosen_elsewhere": bool(actor) and actor not in people}, others


def other_names() -> dict[str, str]:
    """Plans, units and people by their aggregate ids (the trail names them, never by key)."""
    q = services().queries
    names = {str(plan_id(p["key"])): p["title"] for p in q.list_plans()}
    names.update({str(unit_id(u["key"])): u["name"] for u in q.unit_list()})
    names.update({str(person_id(p["key"])): p["name"] for p in q.people()})
    return names


def _position(name: str) -> int | None:
    """A page position (a row's sequence number) from the query string, if given."""
    raw = request.args.get(name, "")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):  # fits a BIGINT
        raise ReasonedBadRequest(
            _("The page position must be a whole number of at most 18 digits."))
    return int(raw)


def _sort(actors: list[tuple[str, str]], types: list[tuple[str, str]]) -> AuditSort:
    """The table's order from the query string: a column (by what the reader sees) and way."""
    by = request.args.get("sort") or "seq"
    if by not in SORTS:
        raise ReasonedBadRequest(_("The trail can be sorted by sequence, time, actor or event."))
    ranked = {"actor": actors, "event": types}.get(by)
    ranks = {key: n for n, (key, _label) in enumerate(ranked or [])}
    column = {"actor": "actor", "event": "event_type"}.get(by)
    return AuditSort(column, ranks, descending=request.args.get("desc", "1" if by in (
        "seq", "time") else "") == "1")


def _object(row: dict[str, Any], titles: dict[str, str]) -> str:
    return titles.get(str(row["aggregate_id"])) or (row.get("data") or {}).get("title") or "—"


@bp.get("/audit")
@login_required
def trail() -> str:
    """The whole trail (or a filter of it) as a table, sorted by a column, paged both ways."""
    g.no_store = True
    filters = audit_filters()
    after, before = _position("after"), _position("before")
    people = services().queries.directory().people_names
    actors, types = actor_options(people), event_type_options()
    sort = _sort(actors, types)
    found = services().queries.audit_page(
        {k: v for k, v in filters.items() if v is not None}, sort, after=after,
        before=None if after is not None else before, limit=PAGE)
    people, titles = _names(found.rows)
    entries = [{**r, "text": describe(r, people, titles), "who": actor_name(r["actor"], people),
                "object": _object(r, titles)} for r in found.rows]
    args: dict[str, Any] = {k: v for k, v in request.args.items()
                            if k not in ("after", "before") and v}
    pages = {"prev": url_for("audit.trail", **args, before=found.rows[0]["seq"])
             if found.has_prev and found.rows else None,
             "next": url_for("audit.trail", **args, after=found.rows[-1]["seq"])
             if found.has_next and found.rows else None}
    if found.has_prev and not found.rows:  # past the end: back to the last page
        pages["prev"] = url_for("audit.trail", **args, before=after)
    filter_args = {k: v for k, v in args.items() if k not in ("sort", "desc")}
    picker, other_actors = actor_picker(filters["actor"], people, actors)
    context = {"entries": entries, "pages": pages, "total": found.total, "args": args,
               "sort": request.args.get("sort") or "seq", "descending": sort.descending,
               "filter_args": filter_args,
               "plans": services().queries.list_plans(), "people": people,
               "actor_picker": picker, "other_actors": other_actors, "event_types": types,
               "exports": {f: url_for("audit.export", fmt=f, **filter_args) for f in EXPORTS}}
    return render_template("audit/index.html", **context)


@bp.get("/audit/export.<fmt>")
@login_required
def export(fmt: str) -> Response:
    """The trail (or a filter of it) streamed as chained JSON Lines, CSV or XLSX."""
    g.no_store = True
    if fmt not in EXPORTS:
        raise BadRequest("format must be jsonl, csv or xlsx")
    mimetype, read, stream = EXPORTS[fmt]
    records = read(services().queries, **audit_filters())
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
