"""The OpenAPI 3.1 document at /api/openapi.json, generated from the routes and COMMANDS."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request

from tracker.domain.lifecycle import COMMANDS
from tracker.domain.status import LIGHTS
from tracker.errors import N_, ValidationError
from web.api import bp
from web.api.common import json_response
from web.api.items import CREATE_ITEM, MAX_QUERY
from web.api.schemas import SCHEMAS, Schema, command_body, ref

ERRORS = {
    400: "The body is not JSON, or not a JSON object; or a limit, offset or cursor is not a "
         "whole number in range (field names it).",
    401: "No API token, or one that is unknown or belongs to a disabled account.",
    403: "The rules do not allow this account to do this.",
    404: "No such item, plan, unit or route.",
    409: "Changed by someone else (current_version says to what), or not possible in the "
         "item's current state.",
    413: "The body is too large.",
    422: "A value is missing, of the wrong type or not acceptable.",
    503: "The database is busy or unavailable; try again in a moment.",
}
READ_ERRORS = (401, 404, 422, 503)
LIST_ERRORS = (400, *READ_ERRORS)  # 400: a limit, offset or cursor out of range
WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 422, 503)


def _param(name: str, schema: Schema, description: str, where: str = "query") -> Schema:
    if where == "query":  # an empty query value means "not given" (as the server reads it)
        if "enum" in schema:
            schema = {**schema, "enum": [*schema["enum"], ""]}
        elif schema.get("type") in ("integer", "boolean") or "pattern" in schema:
            schema = {"anyOf": [schema, {"type": "string", "maxLength": 0}]}
    return {"name": name, "in": where, "required": where == "path", "schema": schema,
            "description": description}


TEXT = {"type": "string"}
PLAN = _param("plan", TEXT, "Only this plan (key).")
# A date or an ISO date-time, years 1900 to 8999 (as web.api.common.instant_arg reads them).
INSTANT_ARG = {"type": "string", "pattern": "^(19|[2-8][0-9])[0-9]{2}-",
               "anyOf": [{"format": "date"}, {"format": "date-time"}]}
AS_OF = _param("as_of", INSTANT_ARG, "A past view: a date from the plan's start to today, or "
               "an ISO date-time (as recorded at that instant); later or earlier dates are "
               "refused.")
BASIS = _param("basis", {"type": "string", "enum": ["effect", "recorded"]},
               "With a date: as in effect (facts by the day they took effect, the default) or "
               "as recorded (what the tracker knew at the end of that day).")
INCLUDE_CANCELLED = _param("include_cancelled", {"type": "boolean"}, "Show cancelled items too.")
ITEM_ID = _param("item_id", {"type": "string", "format": "uuid"}, "The item's id.", "path")
ITEM_QUERY = [
    PLAN, _param("owner", TEXT, "Only items owned by this person (key)."),
    _param("unit", TEXT, "Only items led or supported by this unit (key)."),
    _param("status", {"type": "string", "enum": list(SCHEMAS["Card"]["properties"]["status"]
                                                     ["enum"])}, "Only this status."),
    _param("phase", TEXT, "Only this phase (key)."), _param("goal", TEXT, "Only this goal (key)."),
    _param("light", {"type": "string", "enum": list(LIGHTS)}, "Only this light."),
    _param("q", {"type": "string", "maxLength": MAX_QUERY},
           "Text to look for in title, key, deliverable and description."),
    INCLUDE_CANCELLED,
]
LIMIT = _param("limit", {"type": "integer", "minimum": 1, "maximum": 1000},
               "At most this many (default 100).")
PAGING = [_param("offset", {"type": "integer", "minimum": 0, "maximum": 10**9},
                 "Skip this many (the next page's offset is in `next`)."), LIMIT]
PAGE_HEADERS = {"Link": {"description": "`<address>; rel=\"next\"` when there is a next page "
                                        "(RFC 8288).", "schema": {"type": "string"}}}
AUDIT_QUERY = [
    PLAN, _param("actor", TEXT, "Only events by this actor."),
    _param("event_type", TEXT, "Only events of this type (e.g. Reassigned)."),
    _param("item", TEXT, "Only events of this item (id)."),
    _param("since", INSTANT_ARG, "From this date (its start) or ISO date-time."),
    _param("until", INSTANT_ARG, "Up to this date (its end) or ISO date-time."),
]


def _json(schema: Schema, description: str) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _page(schema: Schema, description: str) -> Schema:
    """A page of a list: the JSON body and the Link header to the next page."""
    return {**_json(schema, description), "headers": PAGE_HEADERS}


def _op(endpoint: str, ok: dict[int, Schema], errors: tuple[int, ...] = READ_ERRORS,
        params: list[Schema] | None = None, body: Schema | None = None,
        public: bool = False) -> Schema:
    """One operation; its summary is the view's docstring."""
    view = current_app.view_functions[endpoint]
    operation: Schema = {
        "operationId": endpoint.split(".", 1)[1],
        "summary": (view.__doc__ or endpoint).strip().splitlines()[0],
        "responses": {str(code): resp for code, resp in ok.items()},
    }
    for code in errors:
        operation["responses"][str(code)] = _json(ref("Error"), ERRORS[code])
    if params:
        operation["parameters"] = params
    if body is not None:
        operation["requestBody"] = body
    if public:
        operation["security"] = []
    return operation


def _command_operation(name: str) -> Schema:
    command = COMMANDS[name]
    body = {"required": any(f.required for f in command.fields),
            "content": {"application/json": {"schema": command_body(command)}}}
    operation = _op("api.run_command", {200: _json(ref("Result"), "Done: the new version.")},
                    WRITE_ERRORS, [ITEM_ID], body)
    operation["operationId"] = "run_" + name.replace("-", "_")
    operation["summary"] = f"{command.label} (the item command {name!r})."
    return operation


def build_spec() -> Schema:
    """The whole document."""
    plan_body = {"required": True, "content": {
        "application/json": {"schema": ref("PlanFile")},
        "application/yaml": {"schema": {"type": "string"}},
        "text/yaml": {"schema": {"type": "string"}},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
            "schema": {"type": "string", "format": "binary"}}}}
    import_params = [
        _param("update_directory", {"type": "boolean"}, "Let the file rename or re-role "
               "existing people and units (each change recorded)."),
        _param("key", TEXT, "Task sheet: the plan's key (else from its sheet 方案 / Plan)."),
        _param("title", TEXT, "Task sheet: the plan's title."),
        _param("starts", {"type": "string", "format": "date"}, "Task sheet: the first day."),
        _param("ends", {"type": "string", "format": "date"}, "Task sheet: the last day.")]
    item_body = {"required": True, "content": {"application/json": {
        "schema": command_body(CREATE_ITEM, with_version=False)}}}
    audit_params = [
        *AUDIT_QUERY, _param("format", {"type": "string", "enum": ["jsonl", "csv", "json"]},
                             "jsonl (hash-chained, the default), csv, or json (a list)."),
        LIMIT, _param("after", {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
                      "The cursor: only records after this sequence number."),
        _param("prev_hash", {"type": "string", "pattern": "^[0-9a-f]{64}$"},
               "With a filter: the hash the page's first record chains to (the next page's "
               "address carries it).")]
    audit_ok = {"description": "A page of the trail in notification order, chained on from "
                "the page before it.", "headers": {
                    **PAGE_HEADERS, "X-Total-Count": {"description": "How many records match, "
                                                      "over all pages.",
                                                      "schema": {"type": "string"}}},
                "content": {
                    "application/x-ndjson": {"schema": {"type": "string"}},
                    "text/csv": {"schema": {"type": "string"}},
                    "application/json": {"schema": ref("AuditPage")}}}
    paths: dict[str, Schema] = {
        "/api/health": {"get": _op("api.health", {200: _json(ref("Health"), "Up.")}, (),
                                   public=True)},
        "/api/openapi.json": {"get": _op("api.openapi", {200: _json(
            {"type": "object"}, "This document.")}, (), public=True)},
        "/api/plans": {
            "get": _op("api.list_plans", {200: _page(ref("PlanList"), "A page of the plans.")},
                       LIST_ERRORS, params=PAGING),
            "post": _op("api.import_plan_file", {201: _json(ref("ImportResult"), "Imported.")},
                        WRITE_ERRORS, params=import_params, body=plan_body)},
        "/api/plans/{key}": {"get": _op("api.get_plan", {200: _json(ref("Plan"), "The plan.")},
                                        params=[_param("key", TEXT, "The plan's key.", "path")])},
        "/api/plans/{key}/leadership": {"put": _op(
            "api.set_leadership", {200: _json(ref("Leadership"), "The plan's roles.")},
            WRITE_ERRORS, params=[_param("key", TEXT, "The plan's key.", "path")],
            body={"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["leadership"], "properties": {
                    "leadership": SCHEMAS["Leadership"]["properties"]["leadership"]}}}}})},
        "/api/plans/{key}/wip-limits": {
            "get": _op("api.get_wip_limits", {200: _json(ref("WipLimits"), "The limits.")},
                       params=[_param("key", TEXT, "The plan's key.", "path")]),
            "put": _op("api.set_wip_limits", {200: _json(ref("WipLimits"), "The limits.")},
                       WRITE_ERRORS, params=[_param("key", TEXT, "The plan's key.", "path")],
                       body={"required": True, "content": {"application/json": {"schema": {
                           "type": "object", "properties": {
                               "limits": SCHEMAS["WipLimits"]["properties"]["limits"],
                               "enforced": {"type": "boolean"}}}}}})},
        "/api/items": {
            "get": _op("api.list_items", {200: _page(ref("ItemList"), "A page of the "
                                                      "matching cards.")},
                       LIST_ERRORS, params=[*ITEM_QUERY, *PAGING]),
            "post": _op("api.create_item", {201: _json(ref("Result"), "Created."), 200: _json(
                ref("Result"), "An item with this key exists already: nothing written.")},
                WRITE_ERRORS, body=item_body)},
        "/api/items/{item_id}": {"get": _op("api.get_item", {200: _json(ref("Card"), "The card.")},
                                            params=[ITEM_ID])},
        "/api/items/{item_id}/history": {"get": _op(
            "api.item_history", {200: _page(ref("History"), "The timeline.")}, LIST_ERRORS,
            params=[ITEM_ID, *PAGING])},
        "/api/board": {"get": _op("api.board", {200: _json(ref("Board"), "The columns.")},
                                  params=[PLAN, AS_OF, BASIS, INCLUDE_CANCELLED])},
        "/api/reports/leaders": {"get": _op(
            "api.leaders", {200: _json(ref("Ledger"), "The ledger.")},
            params=[PLAN, _param("person", TEXT, "Only this person (key)."), AS_OF,
                    BASIS])},
        "/api/units/{key}/grades": {"get": _op(
            "api.unit_grades", {200: _json(ref("Grades"), "The grade history.")},
            params=[_param("key", TEXT, "The unit's key.", "path"), PLAN, AS_OF, BASIS])},
        "/api/audit": {"get": _op("api.audit", {200: audit_ok}, LIST_ERRORS,
                                  params=audit_params)},
        "/api/audit/head": {"get": _op("api.audit_chain_head", {200: _json(
            ref("AuditHead"), "The signed chain head.")}, params=AUDIT_QUERY)},
        "/api/people/{key}/contact": {"post": _op(
            "api.set_person_contact", {200: _json(ref("Contact"), "Where their mail goes.")},
            WRITE_ERRORS, [_param("key", TEXT, "The person's key.", "path")],
            {"required": True, "content": {"application/json": {"schema": ref("ContactBody")}}})},
    }
    for name in COMMANDS:
        paths[f"/api/items/{{item_id}}/{name}"] = {"post": _command_operation(name)}
    paths["/api/items/{item_id}/evidence"] = {"post": _evidence_operation()}
    paths.update(_webhook_paths())
    return {
        "openapi": "3.1.0",
        "info": {"title": "Accountability tracker API", "version": "1",
                 "description": "Plans, work items and their commands, reports and the audit "
                                "trail. Every route but health and this document needs "
                                "`Authorization: Bearer <token>` (`tracker users token LOGIN`)."},
        "paths": paths,
        "components": {"schemas": SCHEMAS, "securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearerAuth": []}],
    }


def _evidence_operation() -> Schema:
    """POST /api/items/{item_id}/evidence: a multipart upload of one file."""
    body = {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"], "properties": {
            "file": {"type": "string", "format": "binary", "contentMediaType":
                     "application/octet-stream", "description":
                     "The file (pdf, png, jpg, txt, csv, docx, xlsx; at most "
                     "TRACKER_EVIDENCE_MAX_BYTES, default 20 MB)."},
            "description": {"type": "string", "maxLength": 20000,
                            "description": "What the file shows (optional)."},
            "expected_version": {"type": "integer", "minimum": 1}}}}}}
    attached = {"type": "object", "required": ["id", "version", "sha256", "name", "size",
                                               "content_type"], "properties": {
        "id": {"type": "string", "format": "uuid"}, "version": {"type": "integer"},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}, "name": TEXT,
        "size": {"type": "integer", "minimum": 1}, "content_type": TEXT}}
    return _op("api.attach_evidence", {201: _json(attached, "Stored; the event records the "
                                                  "file's SHA-256.")},
               WRITE_ERRORS, [ITEM_ID], body)


def _webhook_paths() -> dict[str, Schema]:
    hook_id = _param("hook_id", {"type": "integer", "minimum": 0}, "The webhook's id.", "path")
    admin = (401, 403, 404, 422, 503)
    body = {"required": True, "content": {"application/json": {"schema": ref("NewWebhook")}}}
    return {
        "/api/webhooks": {
            "get": _op("api.list_webhooks", {200: _page(ref("WebhookList"), "The hooks.")},
                       (400, *admin), PAGING),
            "post": _op("api.register_webhook", {201: _json(ref("Webhook"), "Registered.")},
                        (400, *admin, 413), body=body)},
        "/api/webhooks/{hook_id}": {"delete": _op(
            "api.remove_webhook", {200: _json(ref("Webhook"), "Stopped.")}, admin, [hook_id])},
        "/api/webhooks/{hook_id}/deliveries": {"get": _op(
            "api.webhook_deliveries", {200: _page(ref("Deliveries"), "The delivery log.")},
            (400, *admin), [hook_id, *PAGING])},
    }


def declared_query() -> frozenset[str] | None:
    """The query parameters the document declares for this request's operation (None when it
    does not describe the operation)."""
    known = current_app.extensions.get("api.query")
    if known is None:
        known = current_app.extensions["api.query"] = {
            (path, method.upper()): frozenset(p["name"] for p in op.get("parameters", ())
                                              if p["in"] == "query")
            for path, ops in build_spec()["paths"].items() for method, op in ops.items()}
    rule = request.url_rule
    return None if rule is None else known.get((rule_path(rule), request.method))


@bp.before_request
def refuse_unknown_query() -> None:
    """A query parameter the document does not declare is refused, not silently ignored."""
    declared = declared_query()
    if declared is None:
        return
    unknown = sorted(set(request.args) - declared)
    if unknown:
        raise ValidationError(N_("Unknown parameter %(field)s."), field=unknown[0][:64])


@bp.get("/openapi.json")
def openapi() -> Response:
    """This API's OpenAPI 3.1 document (no token needed)."""
    return json_response(build_spec())


def spec_paths(spec: Schema) -> dict[str, set[str]]:
    """Each path of a document with its methods (for tests that compare it to the routes)."""
    return {path: {m.upper() for m in ops} for path, ops in spec["paths"].items()}


def rule_path(rule: Any) -> str:
    """A Flask rule as an OpenAPI path: <conv:name> becomes {name}."""
    out, rest = "", str(rule.rule)
    while "<" in rest:
        head, _, tail = rest.partition("<")
        name, _, rest = tail.partition(">")
        out += head + "{" + name.split(":")[-1] + "}"
    return out + rest
