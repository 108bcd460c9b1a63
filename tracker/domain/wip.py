"""Work-in-progress limits per board column: which columns take one, and the rule a move into
a full column breaks (when the plan enforces its limits)."""

from __future__ import annotations

from typing import Any

from tracker.domain.status import Status
from tracker.errors import N_, IllegalStateError, ValidationError

# The columns a card moves into while work goes on (Done and Cancelled hold finished work).
WIP_COLUMNS = (Status.TODO, Status.DOING, Status.SUBMITTED)
MAX_LIMIT = 9999


class WipLimitError(IllegalStateError):
    """A move into a column that already holds as many cards as its limit allows."""

    code = "wip_limit"


def check_limits(limits: Any) -> dict[str, int]:
    """The limits as {status: a whole number ≥ 1}; an empty value removes a column's limit."""
    if not isinstance(limits, dict):
        raise ValidationError(N_("%(field)s must be an object."), field="wip_limits")
    out: dict[str, int] = {}
    for status, value in limits.items():
        if status not in {s.value for s in WIP_COLUMNS}:
            raise ValidationError(N_("%(field)s must be one of %(allowed)s."), field="wip_limits",
                                  allowed=", ".join(s.value for s in WIP_COLUMNS))
        if value is None or value == "":
            continue
        if isinstance(value, bool) or not isinstance(value, int | str) or \
                not str(value).strip().isdigit() or not 1 <= int(value) <= MAX_LIMIT:
            raise ValidationError(N_("%(field)s must be a whole number from 1 to %(max)s."),
                                  field="wip_limits", max=MAX_LIMIT)
        out[str(status)] = int(value)
    return {s.value: out[s.value] for s in WIP_COLUMNS if s.value in out}


def check_room(limits: dict[str, int], enforced: bool, to: Status | None, count: int) -> None:
    """Refuse a move into a full column when the limits are enforced (``count``: the cards the
    column holds now, this one not among them)."""
    if not enforced or to is None or to.value not in limits:
        return
    if count >= limits[to.value]:
        raise WipLimitError(N_("The “%(status)s” column is full: it holds %(count)s items "
                               "and its limit is %(limit)s."),
                            status=to, count=count, limit=limits[to.value])
