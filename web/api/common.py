"""What every API route shares: bearer-token sign-in, JSON bodies and answers, query arguments."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from flask import Response, current_app, g, request

from projections.pastviews import AsOf
from tracker.accounts import User
from tracker.asof import BASES
from tracker.errors import N_, TrackerError, ValidationError
from web.services import services

PUBLIC_ENDPOINTS = frozenset({"api.health", "api.openapi"})


class UnauthorizedError(TrackerError):
    """No token, or a token that is unknown or belongs to a disabled account (401)."""

    code = "unauthorized"
    status = 401


class BadRequestError(TrackerError):
    """The body is not JSON or not an object (400)."""

    code = "bad_request"
    status = 400


def authenticate_request() -> None:
    """Every route but health and the spec needs `Authorization: Bearer <token>`."""
    g.no_store = True
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthorizedError(N_("Send an API token: Authorization: Bearer <token>."))
    user = services().accounts.user_for_token(token.strip())
    if user is None:
        raise UnauthorizedError(N_("The API token is unknown or its account is disabled."))
    g.api_user = user


def api_user() -> User:
    """The account the request's token belongs to."""
    return g.api_user  # type: ignore[no-any-return]


def jsonable(value: Any) -> Any:
    """Dates as ISO 8601 (datetimes in UTC), UUIDs as text, tuples as lists, recursively."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [jsonable(v) for v in items]
    if isinstance(value, datetime):  # naive ones are UTC (as every table here keeps them)
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def json_response(data: Any, status: int = 200) -> Response:
    """A JSON answer (UTF-8, not ASCII-escaped)."""
    body = json.dumps(jsonable(data), ensure_ascii=False, separators=(",", ":"))
    return current_app.response_class(body, status=status, mimetype="application/json")


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def check_text(value: Any) -> Any:
    """Refuse text the database cannot keep: NUL characters and lone surrogates."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValidationError(N_("Text must not contain NUL characters."))
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError(N_("Text must be valid Unicode.")) from None
    elif isinstance(value, dict):
        for k, v in value.items():
            check_text(k)
            check_text(v)
    elif isinstance(value, list):
        for v in value:
            check_text(v)
    return value


def json_body() -> dict[str, Any]:
    """The request body as a JSON object (an empty body is an empty object)."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise BadRequestError(N_("The body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise BadRequestError(N_("The body must be a JSON object."))
    return check_text(data)  # type: ignore[no-any-return]


def arg(name: str) -> str | None:
    """A query argument, None when absent or empty."""
    value = request.args.get(name)
    if value is None or value == "":
        return None
    return check_text(value)  # type: ignore[no-any-return]


def choice_arg(name: str, choices: tuple[str, ...]) -> str | None:
    """A query argument that must be one of the choices."""
    value = arg(name)
    if value is not None and value not in choices:
        raise ValidationError(N_("%(field)s must be one of: %(choices)s."), field=name,
                              choices=", ".join(choices))
    return value


def int_arg(name: str, default: int, low: int, high: int,
            error: type[ValidationError] = ValidationError) -> int:
    """A whole-number query argument within bounds (else ``error``, naming the field)."""
    value = arg(name)
    if value is None:
        return default
    if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
        raise error(N_("%(field)s must be a whole number from %(low)s to %(high)s."),
                              field=name, low=low, high=high)
    return int(value)


def bool_arg(name: str) -> bool:
    """A true/false query argument (absent is false)."""
    value = choice_arg(name, ("true", "false", "1", "0"))
    return value in ("true", "1")


ISO_INSTANT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ].*)?", re.DOTALL)


def instant_arg(name: str, end_of_day: bool = False) -> datetime | None:
    """An ISO date or date-time argument as an aware instant (the tracker's zone if naive);
    a bare date means its start, or its end when end_of_day."""
    value = arg(name)
    if value is None:
        return None
    zone: ZoneInfo = services().tracker.timezone
    try:
        if not ISO_INSTANT.fullmatch(value):  # no week, ordinal or basic dates (as the spec says)
            raise ValueError(value)
        if len(value) == 10:
            day = date.fromisoformat(value)
            moment = datetime.combine(day, time.max if end_of_day else time.min, tzinfo=zone)
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            moment = moment if moment.tzinfo else moment.replace(tzinfo=zone)
        if not 1900 <= moment.year <= 8999:
            raise ValueError(value)
        return moment
    except ValueError:
        raise ValidationError(N_("%(field)s must be a date like 2012-06-30 or a date-time."),
                              field=name) from None


def past_arg(plan: str | None, default: str = "effect") -> AsOf | None:
    """The checked past view asked for by ``as_of`` (a date, or a date-time: "as recorded" at
    that instant) and ``basis`` (effect or recorded); None for today's view."""
    raw = arg("as_of")
    basis = choice_arg("basis", BASES)  # checked even without as_of (as the API spec says)
    moment = instant_arg("as_of", end_of_day=True)
    if moment is None:
        return None
    queries = services().queries
    if raw is not None and len(raw) == 10:
        return queries.past(moment.date(), basis, plan, default)
    day = moment.astimezone(services().tracker.timezone).date()
    return queries.past(day, basis, plan, "recorded", instant=moment)


def view_json(view: AsOf | None) -> dict[str, Any] | None:
    """What a past view says about itself: the day, its meaning, the last event it counts."""
    return None if view is None else view.label()
