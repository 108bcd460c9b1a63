"""Apply a checked plan file to the store in one atomic save; a second import writes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

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
from tracker.importdirectory import directory_problems, liaisons_of
from tracker.permissions import Actor, authorize
from tracker.planspecs import ItemSpec, PersonSpec, PlanFile, PlanFileError, UnitSpec


@dataclass(frozen=True)
class ImportResult:
    """How many aggregates were touched and events written, and the last notification id."""

    plan_key: str
    aggregates: int
    events: int
    notification_id: int | None


@dataclass
class ImportPreview:
    """What an import would do: the new items, people and units, the items it would change."""

    plan_key: str
    plan_exists: bool
    new_items: list[ItemSpec] = field(default_factory=list)
    changed_items: list[ItemSpec] = field(default_factory=list)
    new_people: list[PersonSpec] = field(default_factory=list)
    new_units: list[UnitSpec] = field(default_factory=list)


def preview_import(app: TrackerApplication, pf: PlanFile, actor: Actor, *,
                   update_directory: bool = False) -> ImportPreview:
    """What import_plan would create; raises PlanFileError as import_plan would (writes nothing)."""
    authorize(actor, "import")
    _check_directory(app, pf, update_directory)
    preview = ImportPreview(pf.plan.key, app.exists(plan_id(pf.plan.key)))
    preview.new_people = [p for p in pf.people if not app.exists(person_id(p.key))]
    preview.new_units = [u for u in pf.units if not app.exists(unit_id(u.key))]
    for it in pf.items:
        uid = item_id(pf.plan.key, it.key)
        if not app.exists(uid):
            preview.new_items.append(it)
        elif _edited(app.get_item(uid), it):
            preview.changed_items.append(it)
    return preview


def _edited(item: WorkItem, it: ItemSpec) -> bool:
    same = (item.title, item.deliverable, item.description) == (
        it.title, it.deliverable, it.description)
    return item.status != Status.CANCELLED and not same


def _check_directory(app: TrackerApplication, pf: PlanFile, update_directory: bool) -> None:
    problems = [] if update_directory else directory_problems(app, pf)
    if problems:
        raise PlanFileError(problems)


def _people(app: TrackerApplication, pf: PlanFile, who: str) -> list[Aggregate]:
    out: list[Aggregate] = []
    for spec in pf.people:
        if app.exists(person_id(spec.key)):
            person = app.get_person(spec.key)
            person.rename(actor=who, name=spec.name)
            if spec.role_given:
                person.change_role(actor=who, role=spec.role)
        else:
            person = Person.create(actor=who, key=spec.key, name=spec.name, role=spec.role)
        if spec.email is not None:  # a file without addresses keeps those set elsewhere
            person.set_contact(actor=who, email=spec.email, language=person.language)
        if spec.unit:
            person.set_unit(actor=who, unit=spec.unit)
        out.append(person)
    return out


def _units(app: TrackerApplication, pf: PlanFile, who: str) -> list[Aggregate]:
    out: list[Aggregate] = []
    liaisons = liaisons_of(pf)
    for spec in pf.units:
        leaders = liaisons.get(spec.key, [])
        if app.exists(unit_id(spec.key)):
            unit = app.get_unit(spec.key)
            unit.rename(actor=who, name=spec.name)
            if leaders:
                unit.set_liaisons(actor=who, liaisons=leaders)
        else:
            unit = Unit.create(actor=who, key=spec.key, name=spec.name, liaisons=leaders)
        if spec.contact:
            unit.set_contact(actor=who, contact=spec.contact)
        if spec.parent:
            unit.set_parent(actor=who, parent=spec.parent)
        out.append(unit)
    return out


def _plan(app: TrackerApplication, pf: PlanFile, who: str) -> Plan:
    spec = pf.plan
    goals = [{"key": g.key, "title": g.title, "leader": g.leader} for g in spec.goals]
    if app.exists(plan_id(spec.key)):
        plan = app.get_plan(spec.key)
        plan.edit(actor=who, title=spec.title, description=spec.description)
        for g in spec.goals:
            plan.set_goal(actor=who, key=g.key, title=g.title, leader=g.leader)
        for p in spec.phases:
            plan.set_phase(actor=who, key=p.key, title=p.title, starts=p.starts, ends=p.ends)
    else:
        phases = [{"key": p.key, "title": p.title, "starts": p.starts, "ends": p.ends}
                  for p in spec.phases]
        plan = Plan.create(actor=who, key=spec.key, title=spec.title, starts=spec.starts,
                           ends=spec.ends, description=spec.description, goals=goals,
                           phases=phases)
    if spec.organisation:
        plan.edit(actor=who, organisation=spec.organisation)
    # The file's `leadership:` section, or else the people it names with their roles.
    roles = pf.plan_roles()
    if roles is not None:
        plan.set_leadership(actor=who, leadership=roles)
    elif plan.leadership is None:
        plan.set_leadership(actor=who, leadership=_unnamed_roles(app, spec.key, who))
    return plan


def _unnamed_roles(app: TrackerApplication, plan_key: str, who: str) -> dict[str, str]:
    """The roles of a plan whose file names none: those derived for a plan stored before
    roles were recorded, or else its importing person as group leader (none for an
    administrator without a person, who acts everywhere anyway)."""
    if app.exists(plan_id(plan_key)):
        return app.leadership(plan_key)
    return {who: "group_leader"} if app.exists(person_id(who)) else {}


def _items(app: TrackerApplication, pf: PlanFile, who: str) -> list[Aggregate]:
    spec = pf.plan
    out: list[Aggregate] = []
    for it in pf.items:
        uid = item_id(spec.key, it.key)
        if app.exists(uid):
            item = app.get_item(uid)
            if item.status != Status.CANCELLED:
                item.edit(actor=who, title=it.title, deliverable=it.deliverable,
                          description=it.description, imported=True)
            out.append(item)
            continue
        out.append(WorkItem.create(
            actor=who, plan_key=spec.key, period=(spec.starts, spec.ends), key=it.key,
            title=it.title, owner=it.owner, lead_unit=it.lead_unit, due=it.due,
            units=list(it.units), phase=it.phase, goal=it.goal, deliverable=it.deliverable,
            description=it.description, parent=it.parent,
            report_every_days=it.report_every_days, leaders=list(it.leaders),
            co_leads=list(it.co_leads),
            milestones=[{"key": m.key, "title": m.title, "due": m.due,
                         "deliverable": m.deliverable} for m in it.milestones],
        ))
    return out


def import_plan(app: TrackerApplication, pf: PlanFile, actor: Actor, *,
                update_directory: bool = False) -> ImportResult:
    """Create what is missing and apply edits to what changed, all in one transaction; a file
    that renames or re-roles existing people or units is refused unless update_directory."""
    authorize(actor, "import")
    _check_directory(app, pf, update_directory)
    who = actor.name
    changed = [*_people(app, pf, who), *_units(app, pf, who), _plan(app, pf, who),
               *_items(app, pf, who)]
    dirty = [a for a in changed if a.pending_events]
    events = sum(len(a.pending_events) for a in dirty)
    if not dirty:
        return ImportResult(pf.plan.key, 0, 0, None)
    result = app.save_all(*dirty)
    return ImportResult(pf.plan.key, len(dirty), events, result.notification_id)
