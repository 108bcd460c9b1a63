"""The fields a command takes, their types, and how a JSON or form value becomes one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.errors import N_, ValidationError

INTEGER = re.compile(r"-?[0-9]{1,9}")
WHOLE_MAX = 2**31 - 1  # whole numbers fit a 32-bit column (and the OpenAPI says so)

# Every field id an error may name, with its label (errors name fields by id; each reader
# shows the label in their language).
LABELS = {
    "wip_limits": N_("Column limits"), "wip_enforced": N_("Enforce the column limits"),
    "title": N_("Title"), "deliverable": N_("Deliverable"), "description": N_("Description"),
    "owner": N_("Responsible person"), "lead_unit": N_("Lead unit"),
    "units": N_("Supporting units"), "due": N_("Due date"), "original_due": N_("Original due date"),
    "status": N_("Status"), "phase": N_("Phase"), "goal": N_("Goal"), "percent": N_("Percent done"),
    "note": N_("Note"), "on": N_("Date"), "text": N_("Comment"), "new_due": N_("New due date"),
    "reason": N_("Reason"), "grant": N_("Decision"), "outcome": N_("Outcome"),
    "evidence": N_("Evidence this completion rests on"), "key": N_("Key"),
    "url": N_("Link (a web address)"),
    "parent": N_("Part of"), "report_every_days": N_("Report every (days)"),
    "last_report_on": N_("Last report"), "pending_due": N_("Requested due date"),
    "returns": N_("Returned"), "chases": N_("Chased"), "version": N_("Version"),
    "last_activity": N_("Last activity"), "milestone": N_("Milestone"),
    "requirement": N_("Requirement"), "reply_by": N_("Reply by"), "reply": N_("Reply"),
    "to": N_("Leader to escalate to (none chosen: the group leader)"),
    "name": N_("Name"), "starts": N_("Starts"), "ends": N_("Ends"), "label": N_("Label"),
    "scores.self": N_("Self-assessment"), "scores.superior": N_("Superior assessment"),
    "weights": N_("Weights"), "kind": N_("Kind"), "cause": N_("Cause"),
    "weights.self": N_("Self-assessment weight"),
    "weights.superior": N_("Superior assessment weight"), "thresholds": N_("Thresholds"),
    "thresholds.advanced": N_("Lowest score of advanced"),
    "thresholds.good": N_("Lowest score of good"),
    "thresholds.average": N_("Lowest score of average"),
    "sha256": N_("SHA-256 of the file"), "size": N_("File size"),
    "content_type": N_("File type"), "expected_version": N_("Expected version"),
    "plan": N_("Plan"), "person": N_("Person"), "unit": N_("Unit"), "light": N_("Light"),
    "offset": N_("Offset"), "limit": N_("Limit"), "since": N_("From"), "until": N_("Until"),
    "as_of": N_("As of"), "actor": N_("Who"), "q": N_("Search"), "format": N_("Format"),
    "include_cancelled": N_("Show cancelled items too"), "item": N_("Item"),
    "every": N_("Repeats"), "due_day": N_("Due on day (of the month after each period)"),
}


@dataclass(frozen=True)
class Field:
    """One argument of a command."""

    name: str
    type: str  # text | date | int | bool | list | person | unit
    required: bool = False

    @property
    def blank_is_absent(self) -> bool:
        """Whether an empty string means the field was not given (what an empty form field
        posts); a text may be empty on purpose."""
        return self.type != "text"


def parse_date(text: str | None, field: str) -> date | None:
    """An ISO date (YYYY-MM-DD) from a query string, a form or an option; None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text) if len(text) == 10 else _not_a_date(text, field)
    except ValueError:
        return _not_a_date(text, field)


def _not_a_date(text: str, field: str) -> date:
    raise ValidationError(N_("The date %(value)s is not a date (use YYYY-MM-DD)."),
                          field=field, value=text)


def parse_version(value: object, field: str = "expected_version") -> int | None:
    """A version number from JSON or a form (a whole number from 1); None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 9:
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise ValidationError(N_("%(field)s must be a whole number from 1."), field=field)


def parse_value(field: Field, value: Any) -> Any:
    """Turn a JSON or form value into the type the domain takes, or raise ValidationError."""
    if field.type in ("text", "person", "unit"):
        if not isinstance(value, str):
            raise ValidationError(N_("%(field)s must be text."), field=field.name)
        return value
    if field.type == "date":
        if isinstance(value, date) and not hasattr(value, "hour"):
            return value
        try:
            return date.fromisoformat(value) if isinstance(value, str) else _bad(field)
        except ValueError:
            raise ValidationError(N_("%(field)s must be a date like 2012-06-30."),
                                  field=field.name) from None
    if field.type == "int":
        return whole_number(field.name, value)
    if field.type == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no", "1", "0"):
            return value.lower() in ("true", "yes", "1")
        raise ValidationError(N_("%(field)s must be true or false."), field=field.name)
    if field.type == "list":
        if isinstance(value, str):
            value = [v.strip() for v in value.replace(",", "\n").splitlines() if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(N_("%(field)s must be a list of texts."), field=field.name)
        return value
    raise AssertionError(field.type)


def whole_number(name: str, value: Any, low: int = -WHOLE_MAX) -> int:
    """A whole number from low to WHOLE_MAX: an int, an integral JSON number such as 366.0 (JSON
    Schema's "integer" admits it), or its digits as text."""
    if isinstance(value, str) and INTEGER.fullmatch(value.strip()):
        value = int(value)
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(N_("%(field)s must be a whole number."), field=name)
    if not low <= value <= WHOLE_MAX:
        raise ValidationError(N_("%(field)s must be a whole number from %(low)s to %(high)s."),
                              field=name, low=low, high=WHOLE_MAX)
    return value


def _bad(field: Field) -> Any:
    raise ValidationError(N_("%(field)s must be a date like 2012-06-30."), field=field.name)


def parse_args(fields: tuple[Field, ...], values: dict[str, Any]) -> dict[str, Any]:
    """Check a command's arguments: unknown fields, missing required ones, wrong types."""
    known = {f.name for f in fields}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValidationError(N_("Unknown field %(field)s."), field=unknown[0])
    args: dict[str, Any] = {}
    for field in fields:
        value = values.get(field.name)
        if value is None or (value == "" and field.blank_is_absent):
            if field.required:
                raise ValidationError(N_("%(field)s is required."), field=field.name)
            continue
        args[field.name] = parse_value(field, value)
    return args


@dataclass(frozen=True)
class Form:
    """A named set of fields outside the lifecycle (creating an item), parsed like a command's."""

    name: str
    fields: tuple[Field, ...]
