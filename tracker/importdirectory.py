"""The directory is not silently rewritten: what a plan file says about people and units that
already exist is compared with the store, and every difference is a problem with its line."""

from __future__ import annotations

from typing import Any

from tracker.application import TrackerApplication
from tracker.domain import Person, Unit, person_id, unit_id
from tracker.errors import N_
from tracker.planspecs import PersonSpec, PlanFile, Problem, UnitSpec

CHANGE = N_("%(what)s '%(key)s' already has %(field)s '%(old)s' in the directory; this file "
            "gives '%(new)s' (import with the option to update the directory to change it)")


def _problem(line: int, what: str, key: str, field: str, old: Any, new: Any) -> Problem:
    params = {"what": what, "key": key, "field": field, "old": old, "new": new}
    return Problem(line, CHANGE % params, CHANGE, tuple(params.items()))


def liaisons_of(pf: PlanFile) -> dict[str, list[str]]:
    """Unit key → the people the file names as its liaison leaders."""
    out: dict[str, list[str]] = {}
    for person in pf.people:
        for unit in person.liaison:
            out.setdefault(unit, []).append(person.key)
    return out


def _differs(old: Any, new: Any) -> bool:
    """A value the file gives that replaces a different stored one (filling a gap is fine)."""
    return bool(new) and bool(old) and old != new


def person_changes(stored: Person, spec: PersonSpec) -> list[Problem]:
    found = []
    if stored.name != spec.name:
        found.append(_problem(spec.line, "person", spec.key, "name", stored.name, spec.name))
    if spec.role_given and stored.role != spec.role:
        found.append(_problem(spec.line, "person", spec.key, "role", stored.role, spec.role))
    if _differs(stored.unit, spec.unit):
        found.append(_problem(spec.line, "person", spec.key, "unit", stored.unit, spec.unit))
    return found


def unit_changes(stored: Unit, spec: UnitSpec, liaisons: list[str]) -> list[Problem]:
    found = []
    if stored.name != spec.name:
        found.append(_problem(spec.line, "unit", spec.key, "name", stored.name, spec.name))
    for field in ("contact", "parent"):
        old, new = getattr(stored, field), getattr(spec, field)
        if _differs(old, new):
            found.append(_problem(spec.line, "unit", spec.key, field, old, new))
    if _differs(stored.liaisons, sorted(set(liaisons))):
        found.append(_problem(spec.line, "unit", spec.key, "liaison",
                              "、".join(stored.liaisons), "、".join(sorted(set(liaisons)))))
    return found


def directory_problems(app: TrackerApplication, pf: PlanFile) -> list[Problem]:
    """Every difference between the file's people and units and those already stored."""
    found: list[Problem] = []
    for person in pf.people:
        if app.exists(person_id(person.key)):
            found += person_changes(app.get_person(person.key), person)
    liaisons = liaisons_of(pf)
    for unit in pf.units:
        if app.exists(unit_id(unit.key)):
            found += unit_changes(app.get_unit(unit.key), unit, liaisons.get(unit.key, []))
    return sorted(found, key=lambda p: p.line)
