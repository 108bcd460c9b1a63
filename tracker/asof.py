"""The rule for a past view's date: from the plan's start to today, in one of two meanings."""

from __future__ import annotations

from datetime import date

from tracker.errors import N_, ValidationError

BASES = ("effect", "recorded")


class AsOfDateError(ValidationError):
    """An as-of date outside the period the tracker can show (before the plan, or future)."""

    code = "as_of_out_of_range"


def check_basis(value: str | None, default: str) -> str:
    """'effect' (as in effect) or 'recorded' (as recorded); the default when not given."""
    if not value:
        return default
    if value not in BASES:
        raise ValidationError(N_("%(field)s must be one of: %(choices)s."), field="basis",
                              choices=", ".join(BASES))
    return value


def check_as_of(day: date, starts: date | None, today: date) -> date:
    """A sensible as-of day: not after today, not before the plan (or the first plan) starts."""
    if day > today:
        raise AsOfDateError(N_("%(date)s is in the future: a past view can show at most today "
                               "(%(today)s)."), date=day.isoformat(), today=today.isoformat())
    if starts is not None and day < starts:
        raise AsOfDateError(N_("%(date)s is before the plan starts (%(starts)s): there is "
                               "nothing to show yet."), date=day.isoformat(),
                            starts=starts.isoformat())
    return day
