"""An item's state as plain data: what the aggregate holds and the read models rebuild."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from tracker.domain.status import OPEN_STATUSES, Status

# The fields an undo restores (each Undone event lists them as [now, restored]).
RESTORED = ("status", "owner", "due", "lead_unit", "units", "percent", "completion",
            "pending_extension", "returns", "escalations",
            "escalated_to", "open_at_acceptance", "due_requests")


@dataclass(frozen=True)
class ItemState:
    """Every fact about one work item that its events establish."""

    plan_key: str = ""
    key: str = ""
    title: str = ""
    deliverable: str = ""
    description: str = ""
    owner: str = ""
    lead_unit: str = ""
    units: list[str] = field(default_factory=list)
    due: date = date.min
    original_due: date = date.min
    phase: str | None = None
    goal: str | None = None
    parent: str | None = None
    report_every_days: int | None = None
    status: Status = Status.TODO
    percent: int | None = None
    last_report_on: date | None = None
    pending_extension: dict[str, Any] | None = None  # {"new_due", "reason", "by"}
    returns: int = 0
    pending_deliverable: dict[str, Any] | None = None  # {"deliverable", "reason", "by"}
    deliverable_changes: int = 0
    due_changes: int = 0  # due dates changed in force (granted requests, old direct changes)
    # Every due-date request, oldest first: {"new_due", "by", "on", "granted" (None while
    # waiting), "decided_by", "decided_on", "as_admin"}, dates as ISO text.
    due_requests: list[dict[str, Any]] = field(default_factory=list)
    chases: int = 0
    open_at_acceptance: int = 0  # sub-items still open when it was accepted (with a reason)
    escalations: int = 0
    escalated_to: str | None = None  # the higher leader it was escalated to 提级督办
    completion: dict[str, Any] | None = None  # {"outcome", "evidence", "on", "by"}
    evidence: list[dict[str, Any]] = field(default_factory=list)
    reminded: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)  # responsible leaders 责任领导
    co_leads: list[str] = field(default_factory=list)  # co-lead units besides lead_unit
    milestones: list[dict[str, Any]] = field(default_factory=list)  # {key, title, due, ...}

    @property
    def light_due(self) -> date:
        """The date the light is judged by: the earliest of the due date and the open
        milestones' (so the item's light is the worst of its open milestones')."""
        dues = [m["due"] for m in self.milestones if not m.get("done_on")]
        return min([self.due, *dues])
    # Supervision notices 督办单: {"requirement", "reply_by", "by", "issued_on",
    # "acknowledged_on", "answered_on", "reply"}, oldest first.
    notices: list[dict[str, Any]] = field(default_factory=list)

    def notice_waiting(self, step: str) -> int | None:
        """The index of the oldest notice not yet acknowledged (step "acknowledged_on") or not
        yet answered ("answered_on"), or None."""
        return next((n for n, x in enumerate(self.notices) if x.get(step) is None), None)

    @property
    def is_open(self) -> bool:
        """Not done and not cancelled."""
        return self.status in OPEN_STATUSES

    def asked_by(self) -> set[str]:
        """Who asked for the decision now pending (the submitter, the requester)."""
        people = set()
        for request in (self.completion, self.pending_extension, self.pending_deliverable):
            if request and request.get("by"):
                people.add(str(request["by"]))
        return people


_FIELDS = frozenset(f.name for f in fields(ItemState))


def replace(state: ItemState, **changes: Any) -> ItemState:
    """The state with some fields changed: what ``dataclasses.replace`` makes (the state has no
    ``__post_init__`` and every field is set by ``__init__``), without calling ``__init__`` with
    every field: read models replay this for every event of the log."""
    unknown = changes.keys() - _FIELDS
    if unknown:
        raise TypeError(f"ItemState has no field {sorted(unknown)[0]!r}")
    new = object.__new__(ItemState)
    values = new.__dict__
    values.update(state.__dict__)
    values.update(changes)
    return new
