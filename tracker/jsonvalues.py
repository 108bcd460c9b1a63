"""Event values as JSON values: one conversion for the read side and the webhook worker."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

_AS_IS = frozenset({str, int, float, bool})


def jsonable(value: Any) -> Any:
    """Dates as ISO text, UUIDs as text, containers recursively."""
    if value is None or type(value) in _AS_IS:
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value
