"""Apply a checked plan file to the store in one atomic save; a second import writes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from eventsourcing.domain import Aggregate

from tracker.application import TrackerApplication
from tracker.domain import (
    Person,
    Plan,
    Status,
    Unit,
    WorkItem,
    item_id,
    person_id,
    plan_id,
    unit_id,
)
from tracker.permissions import Actor, authorize
from tracker.planfile import PlanFile


@dataclass(frozen=True)
class ImportResult:
    """How many aggregates were touched and events written, and the last notification id."""

    plan_key: str
    aggregates: int
    events: int
    notification_id: int | None


def import_plan(app: TrackerApplication, pf: PlanFile, actor: Actor) -> ImportResult:
    """Create what is missing and apply edits to what changed, all in one transaction."""
    authorize(actor, "import")
    who = actor.name
    changed: list[Aggregate] = []
    liaisons: dict[str, list[str]] = {}
    for person in pf.people:
        for unit in person.liaison:
            liaisons.setdefault(unit, []).append(person.key)
        if app.exists(person_id(person.key)):
            existing = app.get_person(person.key)
            existing.rename(actor=who, name=person.name)
            existing.change_role(actor=who, role=person.role)
            changed.append(existing)
        else:
            changed.append(Person.create(actor=who, key=person.key, name=person.name,
                                         role=person.role))
    for u in pf.units:
        if app.exists(unit_id(u.key)):
            existing_unit = app.get_unit(u.key)
            existing_unit.rename(actor=who, name=u.name)
            existing_unit.set_liaisons(actor=who, liaisons=liaisons.get(u.key, []))
            changed.append(existing_unit)
        else:
            changed.append(Unit.create(actor=who, key=u.key, name=u.name,
                                       liaisons=liaisons.get(u.key, [])))
    spec = pf.plan
    goals = [{"key": g.key, "title": g.title} for g in spec.goals]
    phases = [{"key": p.key, "title": p.title, "starts": p.starts, "ends": p.ends}
              for p in spec.phases]
    if app.exists(plan_id(spec.key)):
        plan = app.get_plan(spec.key)
        plan.edit(actor=who, title=spec.title, description=spec.description)
        for g in spec.goals:
            plan.set_goal(actor=who, key=g.key, title=g.title)
        for p in spec.phases:
            plan.set_phase(actor=who, key=p.key, title=p.title, starts=p.starts, ends=p.ends)
    else:
        plan = Plan.create(actor=who, key=spec.key, title=spec.title, starts=spec.starts,
                           ends=spec.ends, description=spec.description, goals=goals,
                           phases=phases)
    # The people a plan file names, with their roles, are the plan's leadership group.
    if pf.people:
        plan.set_leadership(actor=who, leadership={p.key: p.role for p in pf.people})
    changed.append(plan)
    for it in pf.items:
        uid = item_id(spec.key, it.key)
        if app.exists(uid):
            item = app.get_item(uid)
            if item.status != Status.CANCELLED:
                item.edit(actor=who, title=it.title, deliverable=it.deliverable,
                          description=it.description, imported=True)
            changed.append(item)
            continue
        changed.append(WorkItem.create(
            actor=who, plan_key=spec.key, period=(spec.starts, spec.ends), key=it.key,
            title=it.title, owner=it.owner, lead_unit=it.lead_unit, due=it.due,
            units=list(it.units), phase=it.phase, goal=it.goal, deliverable=it.deliverable,
            description=it.description, parent=it.parent,
            report_every_days=it.report_every_days,
        ))
    dirty = [a for a in changed if a.pending_events]
    events = sum(len(a.pending_events) for a in dirty)
    if not dirty:
        return ImportResult(spec.key, 0, 0, None)
    result = app.save_all(*dirty)
    return ImportResult(spec.key, len(dirty), events, result.notification_id)
