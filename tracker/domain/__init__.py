"""Event-sourced aggregates: plans, units, people and work items."""

from tracker.domain.base import NAMESPACE, item_id, person_id, plan_id, unit_id
from tracker.domain.item import OPEN_STATUSES, STATUSES, WorkItem
from tracker.domain.org import ROLES, Person, Unit
from tracker.domain.plan import Plan

__all__ = [
    "NAMESPACE",
    "OPEN_STATUSES",
    "ROLES",
    "STATUSES",
    "Person",
    "Plan",
    "Unit",
    "WorkItem",
    "item_id",
    "person_id",
    "plan_id",
    "unit_id",
]
