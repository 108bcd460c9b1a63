"""Identity and shared checks for the aggregates."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from tracker.errors import N_, ValidationError

NAMESPACE = UUID("6510ef02-4a3d-4ec4-8a1b-7c0e5d2f9a11")
MAX_TITLE = 500
MAX_TEXT = 20000


def plan_id(key: str) -> UUID:
    """The id of the plan with this key."""
    return uuid5(NAMESPACE, f"plan:{key}")


def unit_id(key: str) -> UUID:
    """The id of the unit with this key."""
    return uuid5(NAMESPACE, f"unit:{key}")


def person_id(key: str) -> UUID:
    """The id of the person with this key."""
    return uuid5(NAMESPACE, f"person:{key}")


def item_id(plan_key: str, key: str) -> UUID:
    """The id of the work item with this key inside this plan."""
    return uuid5(NAMESPACE, f"item:{plan_key}/{key}")


def clean_title(value: object, field: str = "title") -> str:
    """A stripped, non-empty, bounded single-line text."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(N_("The %(field)s must not be empty."), field=field)
    value = value.strip()
    if len(value) > MAX_TITLE:
        raise ValidationError(
            N_("The %(field)s is too long (at most %(max)s characters)."),
            field=field,
            max=MAX_TITLE,
        )
    return clean_text(value, field)


def clean_text(value: object, field: str, required: bool = False) -> str:
    """A bounded free text without NUL characters; optionally required."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(N_("The %(field)s must be text."), field=field)
    if "\x00" in value:
        raise ValidationError(N_("The %(field)s contains a NUL character."), field=field)
    if len(value) > MAX_TEXT:
        raise ValidationError(
            N_("The %(field)s is too long (at most %(max)s characters)."), field=field, max=MAX_TEXT
        )
    if required and not value.strip():
        raise ValidationError(N_("The %(field)s must not be empty."), field=field)
    return value


def check_date(value: object, field: str) -> date:
    """A real calendar date (not a datetime)."""
    if not isinstance(value, date) or hasattr(value, "hour"):
        raise ValidationError(N_("The %(field)s must be a date."), field=field)
    return value


def check_in_period(day: date, starts: date, ends: date, field: str) -> None:
    """Refuse a date outside a plan's period."""
    if not starts <= day <= ends:
        raise ValidationError(
            N_("The %(field)s %(date)s is outside the plan period %(starts)s to %(ends)s."),
            field=field,
            date=day.isoformat(),
            starts=starts.isoformat(),
            ends=ends.isoformat(),
        )
