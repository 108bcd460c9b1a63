"""JSON Schemas of the API's bodies and answers (OpenAPI 3.1 components)."""

from __future__ import annotations

from typing import Any

from projections.ledger import FIGURES
from tracker.domain.fields import WHOLE_MAX, Field, Form
from tracker.domain.lifecycle import Rule
from tracker.domain.status import LIGHTS, STATUSES

Schema = dict[str, Any]

FIELD_TYPES: dict[str, Schema] = {
    "text": {"type": "string"},
    "person": {"type": "string", "description": "A person's key."},
    "unit": {"type": "string", "description": "A unit's key."},
    "date": {"type": "string", "format": "date"},
    "int": {"type": "integer", "minimum": -WHOLE_MAX, "maximum": WHOLE_MAX},
    "bool": {"type": "boolean"},
    "list": {"type": "array", "items": {"type": "string"}},
}


def nullable(schema: Schema) -> Schema:
    """The schema, or null."""
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def field_schema(field: Field) -> Schema:
    """A command field's schema. An optional one may also be null, and an empty string where
    the domain reads that as absent (Field.blank_is_absent): both mean not given."""
    schema = dict(FIELD_TYPES[field.type])
    if field.required:
        return schema
    admits_blank = schema["type"] == "string" and "format" not in schema
    if field.blank_is_absent and not admits_blank:
        return {"anyOf": [schema, {"type": "string", "maxLength": 0}, {"type": "null"}]}
    return nullable(schema)


def command_body(command: Rule | Form, with_version: bool = True) -> Schema:
    """The JSON object a command takes: its fields, and the optional expected_version."""
    properties = {f.name: field_schema(f) for f in command.fields}
    if with_version:
        properties["expected_version"] = {
            "type": ["integer", "null"], "minimum": 1, "maximum": WHOLE_MAX,
            "description": "Refuse (409) unless the item is still at this version."}
    required = [f.name for f in command.fields if f.required]
    schema: Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


def obj(required: list[str], properties: dict[str, Schema], extra: bool = True) -> Schema:
    """An object schema (further properties allowed unless extra is false)."""
    return {"type": "object", "required": required, "properties": properties,
            "additionalProperties": extra}


STRING, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
DATE, INSTANT = {"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}
STATUS = {"type": "string", "enum": list(STATUSES)}
HASH = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
NEXT: Schema = {"type": ["string", "null"], "description": "The next page's address (also "
                "sent as `Link: <...>; rel=\"next\"`); null on the last page."}
PAGE: dict[str, Schema] = {
    "total": {"type": "integer", "minimum": 0, "description": "How many match, over all pages."},
    "limit": {"type": "integer", "minimum": 1, "maximum": 1000},
    "offset": {"type": "integer", "minimum": 0}, "next": NEXT}


def page_of(key: str, items: Schema, required: tuple[str, ...] = (),
            **extra: Schema) -> Schema:
    """One page of a list: its items under key, the total, limit, offset and next page."""
    return obj([*required, key, "total", "limit", "offset", "next"],
               {**extra, key: {"type": "array", "items": items}, **PAGE})
LIGHT = {"type": ["string", "null"], "enum": [*LIGHTS, None]}
KEYED = obj(["key", "title"], {"key": STRING, "title": STRING})

SCHEMAS: dict[str, Schema] = {
    "Error": obj(["error", "message"], {
        "error": STRING, "message": STRING, "current_version": nullable(INT),
        "field": STRING,
        "problems": {"type": "array", "items": obj(["line", "message"], {
            "line": nullable(INT), "message": STRING, "sheet": nullable(STRING),
            "row": nullable(INT), "column": nullable(STRING)})}}),
    "Result": obj(["id", "version"], {"id": {"type": "string", "format": "uuid"},
                                      "version": INT}),
    "Card": obj(["id", "key", "plan_key", "title", "owner", "lead_unit", "due", "status",
                 "version"], {
        "id": {"type": "string", "format": "uuid"}, "key": STRING, "plan_key": STRING,
        "title": STRING, "deliverable": STRING, "description": STRING, "owner": STRING,
        "owner_name": STRING, "lead_unit": STRING, "lead_unit_name": STRING,
        "units": {"type": "array", "items": STRING}, "due": DATE, "original_due": DATE,
        "status": STATUS, "phase": nullable(STRING), "goal": nullable(STRING),
        "percent": nullable(INT), "last_report_on": nullable(DATE),
        "extension_pending": BOOL, "pending_due": nullable(DATE), "returns": INT,
        "chases": INT, "due_changes": INT, "last_activity": nullable(INSTANT),
        "report_every_days": nullable(INT),
        "parent": nullable(STRING), "children_total": INT, "children_done": INT,
        "children_worst_light": LIGHT, "created_on": DATE, "light": LIGHT,
        "completion": nullable(obj(["outcome"], {
            "outcome": STRING, "evidence": {"type": "array", "items": STRING},
            "on": nullable(DATE)})),
        "version": INT}),
    "ItemList": page_of("items", ref("Card")),
    "History": page_of("events", obj(["seq", "at", "actor", "event_type"], {
        "seq": INT, "at": INSTANT, "actor": STRING, "event_type": STRING,
        "version": INT, "changes": {}, "reason": nullable(STRING),
        "note": nullable(STRING), "text": nullable(STRING), "data": {}}), ("id",),
        id={"type": "string", "format": "uuid"}),
    "Plan": obj(["key", "title", "starts", "ends"], {
        "key": STRING, "title": STRING, "starts": DATE, "ends": DATE,
        "description": STRING, "goals": {"type": "array", "items": KEYED},
        "phases": {"type": "array", "items": obj(["key", "title", "starts", "ends"], {
            "key": STRING, "title": STRING, "starts": DATE, "ends": DATE})},
        "progress": {"type": "object", "description": "Counts per plan, goal and phase."}}),
    "PlanList": page_of("plans", ref("Plan")),
    "PlanFile": {"type": "object", "required": ["plan"], "description":
                 "A plan file (docs/plan-file.md) as JSON: plan, units, people, items.",
                 "properties": {"plan": {"type": "object"},
                                "units": {"type": "array", "items": {"type": "object"}},
                                "people": {"type": "array", "items": {"type": "object"}},
                                "items": {"type": "array", "items": {"type": "object"}}}},
    "Leadership": obj(["plan", "leadership"], {
        "plan": STRING, "leadership": {"type": "object", "additionalProperties": {
            "type": "string", "enum": ["group_leader", "deputy", "member", "office"]}}}),
    "WipLimits": obj(["plan", "limits", "enforced"], {
        "plan": STRING, "enforced": {"type": "boolean"},
        "limits": {"type": "object", "description": "Cards a column may hold, by status "
                   "(todo, doing, submitted); a column without an entry has no limit.",
                   "additionalProperties": INT},
        "counts": {"type": "object", "description": "Cards each column holds now, by status.",
                   "additionalProperties": INT}}),
    "ImportResult": obj(["plan", "aggregates", "events"], {
        "plan": STRING, "aggregates": INT, "events": INT}),
    "Board": obj(["plan", "as_of", "columns"], {
        "plan": nullable(STRING), "as_of": nullable(INSTANT),
        "columns": {"type": "array", "items": obj(["status", "cards"], {
            "status": STATUS, "cards": {"type": "array", "items": ref("Card")}})}}),
    "Ledger": obj(["plan", "leaders"], {
        "plan": nullable(STRING), "as_of": nullable(INSTANT),
        "leaders": {"type": "array", "items": obj(["person", "name", *FIGURES], {
            "person": STRING, "name": STRING, "overdue_days": INT,
            **{f: INT for f in FIGURES},
            "items": {"type": "object", "description": "The items behind each figure.",
                      "additionalProperties": {"type": "array", "items": {"type": "object"}}},
            "handovers": {"type": "array", "description": "Items the person took over or "
                          "handed over, with the date and each side's overdue days.",
                          "items": obj(["direction", "id", "title", "from", "to", "on",
                                        "days_from", "days_to"], {
                              "direction": {"enum": ["took_over", "handed_over"]},
                              "id": STRING, "title": STRING, "from": STRING, "to": STRING,
                              "on": DATE, "days_from": INT, "days_to": INT})}})}}),
    "Grades": obj(["unit", "grades"], {
        "unit": STRING, "grades": {"type": "array", "items": {"type": "object"}}}),
    "AuditHead": obj(["chain_head", "seq", "count", "public_key", "signature"], {
        "chain_head": {"type": "string", "pattern": "^[0-9a-f]{64}$"}, "seq": nullable(INT),
        "count": INT, "public_key": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "signature": {"type": "string", "pattern": "^[0-9a-f]{128}$"}}),
    "Health": obj(["status"], {"status": STRING}),
    "ContactBody": obj([], {
        "email": nullable({"type": "string", "maxLength": 254}),
        "language": {"enum": ["zh_Hans_CN", "en", None]}}),
    "Contact": obj(["person", "email", "language"], {
        "person": STRING, "email": nullable(STRING),
        "language": {"enum": ["zh_Hans_CN", "en", None]}}),
    "NewWebhook": {"type": "object", "required": ["url", "event_types"],
                   "additionalProperties": False, "properties": {
                       "url": {"type": "string", "format": "uri"},
                       "event_types": {"type": "array", "minItems": 1, "items": {
                           "type": "string", "description": "\"*\", \"Reassigned\" or "
                                                            "\"WorkItem.Reassigned\"."}}}},
    "Webhook": obj(["id", "url", "event_types", "active"], {
        "id": INT, "url": STRING, "event_types": {"type": "array", "items": STRING},
        "active": BOOL, "position": INT, "created_by": STRING, "created_at": INSTANT,
        "secret": {"type": "string", "description": "The HMAC-SHA256 key; shown once."}}),
    "WebhookList": page_of("webhooks", ref("Webhook")),
    "Deliveries": page_of("deliveries", obj(
        ["id", "seq", "event_type", "status", "attempts"], {
            "id": INT, "webhook_id": INT, "seq": INT, "event_type": STRING,
            "status": {"type": "string", "enum": ["pending", "delivered", "failed"]},
            "attempts": INT, "last_status": nullable(INT), "last_error": nullable(STRING),
            "next_attempt_at": INSTANT, "delivered_at": nullable(INSTANT),
            "created_at": INSTANT}), ("webhook",), webhook=INT),
    "AuditPage": obj(["records", "total", "limit", "after", "next"], {
        "records": {"type": "array", "items": obj(
            ["seq", "timestamp", "actor", "aggregate_type", "aggregate_id", "event_type",
             "version", "data", "prev_hash", "hash"], {
                "seq": INT, "timestamp": STRING, "actor": STRING, "aggregate_type": STRING,
                "aggregate_id": STRING, "event_type": STRING, "version": INT, "data": {},
                "prev_hash": HASH, "hash": HASH})},
        "total": PAGE["total"], "limit": PAGE["limit"],
        "after": {"type": "integer", "minimum": 0, "description": "The cursor: records "
                  "after this sequence number."},
        "next": NEXT}),
}
