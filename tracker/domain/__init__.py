"""Event-sourced aggregates: plans, units, people and work items."""

from tracker.domain.base import NAMESPACE, item_id, person_id, plan_id, unit_id
from tracker.domain.item import WorkItem
from tracker.domain.org import ROLES, Person, Unit
from tracker.domain.plan import Plan
from tracker.domain.status import OPEN_STATUSES, STATUSES, Status

__all__ = [
    "NAMESPACE",
    "OPEN_STATUSES",
    "ROLES",
    "STATUSES",
    "Status",
    "Person",
    "Plan",
    "Unit",
    "WorkItem",
    "item_id",
    "person_id",
    "plan_id",
    "unit_id",
]
