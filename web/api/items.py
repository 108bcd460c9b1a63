"""Work items: list, read, create, history, and every item command."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response

from projections.lights import LIGHTS
from tracker.domain import STATUSES
from tracker.domain.fields import Field, Form, parse_args, parse_version
from tracker.domain.lifecycle import COMMANDS
from tracker.errors import N_, NotFoundError, UnknownReferenceError, ValidationError
from web.api import bp
from web.api.common import (
    api_user,
    arg,
    bool_arg,
    choice_arg,
    json_body,
    json_response,
)
from web.api.paging import Page, paged
from web.services import services

MAX_QUERY = 200  # longer search text is refused (SQLite's LIKE gives up on very long patterns)
# POST /api/items: the fields of TrackerApplication.create_item, typed like the commands'.
CREATE_ITEM = Form("create", (
    Field("plan", "text", True), Field("title", "text", True), Field("owner", "person", True),
    Field("lead_unit", "unit", True), Field("due", "date", True), Field("key", "text"),
    Field("units", "list"), Field("phase", "text"), Field("goal", "text"),
    Field("deliverable", "text"), Field("description", "text"), Field("parent", "text"),
    Field("report_every_days", "int"),
))


def item_uuid(item_id: str) -> UUID:
    """The id in the path as a UUID; anything else names no item (404)."""
    try:
        return UUID(item_id)
    except ValueError:
        raise NotFoundError(N_("There is no %(what)s %(key)s."), what="item",
                            key=item_id) from None


def expected_version(body: dict[str, Any]) -> int | None:
    """The optional expected_version of a command body (taken out of the body)."""
    value = body.pop("expected_version", None)
    if isinstance(value, str):  # JSON gives numbers as numbers
        raise ValidationError(N_("%(field)s must be a whole number from 1."),
                              field="expected_version")
    return parse_version(value)


@bp.get("/items")
def list_items() -> Response:
    """Cards matching the filters, by due date then title, a page at a time."""
    page = Page.from_args()
    queries = services().queries
    filters: dict[str, Any] = {
        "owner": arg("owner"), "unit": arg("unit"), "phase": arg("phase"), "goal": arg("goal"),
        "q": search_text(), "status": choice_arg("status", STATUSES),
        "light": choice_arg("light", LIGHTS), "include_cancelled": bool_arg("include_cancelled")}
    cards = queries.board(arg("plan"), **filters, offset=page.offset, limit=page.limit)
    return paged("items", cards, queries.count_board(arg("plan"), **filters), page)


def search_text() -> str | None:
    """The q argument, at most MAX_QUERY characters."""
    q = arg("q")
    if q is not None and len(q) > MAX_QUERY:
        raise ValidationError(N_("%(field)s is at most %(n)s characters."), field="q",
                              n=MAX_QUERY)
    return q


@bp.post("/items")
def create_item() -> Response:
    """Create a work item → 201 {id, version}; a retried create with the same key → 200."""
    fields = parse_args(CREATE_ITEM.fields, json_body())
    plan = fields.pop("plan")
    try:
        result = services().create_item(api_user().actor, plan, **fields)
    except NotFoundError as e:
        if e.params.get("what") != "plan":
            raise
        raise UnknownReferenceError(N_("There is no plan %(key)s."), key=plan) from None
    status = 200 if result.notification_id is None else 201
    return json_response({"id": result.id, "version": result.version}, status)


@bp.get("/items/<item_id>")
def get_item(item_id: str) -> Response:
    """One card."""
    card = services().queries.get_card(item_uuid(item_id))
    if card is None:
        raise NotFoundError(N_("There is no %(what)s %(key)s."), what="item", key=item_id)
    return json_response(card)


@bp.get("/items/<item_id>/history")
def item_history(item_id: str) -> Response:
    """The item's timeline, oldest first, a page at a time."""
    uid = item_uuid(item_id)
    if services().queries.get_card(uid) is None:
        raise NotFoundError(N_("There is no %(what)s %(key)s."), what="item", key=item_id)
    page = Page.from_args()
    events = services().queries.history(uid)
    return paged("events", events[page.offset:page.offset + page.limit], len(events), page,
                 id=uid)


def run_command(item_id: str, command: str) -> Response:
    """Run one item command → 200 {id, version}; a stale expected_version → 409."""
    body = json_body()
    version = expected_version(body)
    parse_args(COMMANDS[command].fields, body)  # unknown fields (actor, item …) refused first
    result = services().run(item_uuid(item_id), command, api_user().actor, version, **body)
    return json_response({"id": result.id, "version": result.version})


for _name in COMMANDS:
    bp.add_url_rule(f"/items/<item_id>/{_name}", "run_command", run_command,
                    methods=["POST"], defaults={"command": _name})
