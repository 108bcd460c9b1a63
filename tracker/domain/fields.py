"""The fields a command takes, their types, and how a JSON or form value becomes one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.errors import N_, ValidationError

INTEGER = re.compile(r"-?[0-9]{1,9}")
WHOLE_MAX = 2**31 - 1  # whole numbers fit a 32-bit column (and the OpenAPI says so)


@dataclass(frozen=True)
class Field:
    """One argument of a command."""

    name: str
    type: str  # text | date | int | bool | list | person | unit
    required: bool = False


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
        if value is None or (value == "" and field.type not in ("text",)):
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
