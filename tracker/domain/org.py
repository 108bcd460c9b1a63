"""Units (branches, departments) and people (who own, review and act)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from tracker.domain.base import check_date, clean_title, person_id, unit_id
from tracker.errors import N_, IllegalStateError, ValidationError
from tracker.grading import check_scores, check_weights, combined_score, grade_of

ROLES = ("group_leader", "deputy", "member", "none")  # none: an ordinary member, no leadership role
MAIL_LANGUAGES = ("zh_Hans_CN", "en")  # the languages mail to a person can be written in
EMAIL_MAX = 254
EMAIL_RE = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"'.]+(\.[^@\s<>,;\"'.]+)+")


class Unit(Aggregate):
    """An organisational unit 单位/支部 with its liaison leaders."""

    @staticmethod
    def create_id(key: str, **_: Any) -> UUID:
        return unit_id(key)

    @classmethod
    def create(cls, *, actor: str, key: str, name: str, liaisons: list[str] | None = None) -> Unit:
        """Decide to create a unit."""
        return cls(
            actor=actor,
            key=key,
            name=clean_title(name, "name"),
            liaisons=sorted(set(liaisons or [])),
        )

    @event("Created")
    def __init__(self, *, actor: str, key: str, name: str, liaisons: list[str]) -> None:
        self.key = key
        self.name = name
        self.liaisons = list(liaisons)
        self.assessments: list[tuple[str, str]] = []

    def rename(self, *, actor: str, name: str) -> None:
        """Change the unit's name."""
        name = clean_title(name, "name")
        if name != self.name:
            self._renamed(actor=actor, old=self.name, name=name)

    @event("Renamed")
    def _renamed(self, *, actor: str, old: str, name: str) -> None:
        self.name = name

    def set_liaisons(self, *, actor: str, liaisons: list[str]) -> None:
        """Name the leaders who liaise with this unit."""
        new = sorted(set(liaisons))
        if new != self.liaisons:
            self._liaisons_set(actor=actor, old=self.liaisons, liaisons=new)

    @event("LiaisonsSet")
    def _liaisons_set(self, *, actor: str, old: list[str], liaisons: list[str]) -> None:
        self.liaisons = list(liaisons)

    @property
    def contact(self) -> str | None:
        """The person who does the unit's work and reports for it (具体责任人), if named."""
        return getattr(self, "_contact", None)

    @property
    def parent(self) -> str | None:
        """The unit above this one in the tree (党委 → 党总支 → 支部), if any."""
        return getattr(self, "_parent", None)

    def set_contact(self, *, actor: str, contact: str | None) -> None:
        """Name the unit's contact person (or none)."""
        if contact != self.contact:
            self._contact_set(actor=actor, old=self.contact, contact=contact)

    @event("ContactSet")
    def _contact_set(self, *, actor: str, old: str | None, contact: str | None) -> None:
        self._contact = contact

    def set_parent(self, *, actor: str, parent: str | None) -> None:
        """Place the unit under another unit (or at the top)."""
        if parent == self.key:
            raise ValidationError(N_("A unit cannot be its own parent."))
        if parent != self.parent:
            self._parent_set(actor=actor, old=self.parent, parent=parent)

    @event("ParentSet")
    def _parent_set(self, *, actor: str, old: str | None, parent: str | None) -> None:
        self._parent = parent

    def assess(
        self,
        *,
        actor: str,
        plan_key: str,
        label: str,
        on: date,
        self_scores: dict[str, Any],
        superior_scores: dict[str, Any],
        weights: dict[str, int] | None = None,
        thresholds: dict[str, float] | None = None,
    ) -> None:
        """Record an assessment 分类定级: self and superior scores, weights, score and grade."""
        label = clean_title(label, "label")
        if (plan_key, label) in self.assessments:
            raise IllegalStateError(
                N_("%(key)s was already assessed as %(label)s."), key=self.key, label=label
            )
        own = check_scores(self_scores, "scores.self")
        superior = check_scores(superior_scores, "scores.superior")
        used = check_weights(weights)
        score = combined_score(own, superior, used)
        self._assessed(
            actor=actor,
            unit=self.key,
            plan_key=plan_key,
            label=label,
            on=check_date(on, "on"),
            self_scores=own,
            superior_scores=superior,
            weights=used,
            score=score,
            grade=grade_of(score, thresholds),
        )

    @event("Assessed")
    def _assessed(
        self,
        *,
        actor: str,
        unit: str,
        plan_key: str,
        label: str,
        on: date,
        self_scores: dict[str, float],
        superior_scores: dict[str, float],
        weights: dict[str, int],
        score: float,
        grade: str,
    ) -> None:
        self.assessments = [*getattr(self, "assessments", []), (plan_key, label)]
        self.grade = grade


class Person(Aggregate):
    """Someone who can own, review or act, with a role in the leadership group."""

    @staticmethod
    def create_id(key: str, **_: Any) -> UUID:
        return person_id(key)

    @classmethod
    def create(cls, *, actor: str, key: str, name: str, role: str = "member") -> Person:
        """Decide to create a person."""
        check_role(role)
        return cls(actor=actor, key=key, name=clean_title(name, "name"), role=role)

    @event("Created")
    def __init__(self, *, actor: str, key: str, name: str, role: str) -> None:
        self.key = key
        self.name = name
        self.role = role
        self.active = True

    @property
    def is_leader(self) -> bool:
        return self.role in ("group_leader", "deputy")

    @property
    def unit(self) -> str | None:
        """The unit the person belongs to, if named."""
        return getattr(self, "_unit", None)

    def set_unit(self, *, actor: str, unit: str | None) -> None:
        """Record the unit the person belongs to (or none)."""
        if unit != self.unit:
            self._unit_set(actor=actor, old=self.unit, unit=unit)

    @event("UnitSet")
    def _unit_set(self, *, actor: str, old: str | None, unit: str | None) -> None:
        self._unit = unit

    def change_role(self, *, actor: str, role: str) -> None:
        """Move the person to another role in the leadership group."""
        check_role(role)
        if role != self.role:
            self._role_changed(actor=actor, old=self.role, role=role)

    @event("RoleChanged")
    def _role_changed(self, *, actor: str, old: str, role: str) -> None:
        self.role = role

    def rename(self, *, actor: str, name: str) -> None:
        """Change the person's name."""
        name = clean_title(name, "name")
        if name != self.name:
            self._renamed(actor=actor, old=self.name, name=name)

    @event("Renamed")
    def _renamed(self, *, actor: str, old: str, name: str) -> None:
        self.name = name

    def deactivate(self, *, actor: str, reason: str = "") -> None:
        """Mark the person inactive: they can no longer be given work."""
        if not self.active:
            raise IllegalStateError(N_("%(key)s is already inactive."), key=self.key)
        self._deactivated(actor=actor, reason=reason)

    @event("Deactivated")
    def _deactivated(self, *, actor: str, reason: str) -> None:
        self.active = False

    def reactivate(self, *, actor: str, reason: str = "") -> None:
        """Mark the person active again."""
        if self.active:
            raise IllegalStateError(N_("%(key)s is already active."), key=self.key)
        self._reactivated(actor=actor, reason=reason)

    @event("Reactivated")
    def _reactivated(self, *, actor: str, reason: str) -> None:
        self.active = True

    # Set by ContactChanged only; people recorded before it have neither.
    email: str | None = None
    language: str | None = None

    def set_contact(self, *, actor: str, email: str | None, language: str | None) -> bool:
        """Set the person's own mail address and mail language (None clears); True if changed."""
        email, language = check_email(email), check_language(language)
        if (email, language) == (self.email, self.language):
            return False
        self._contact_changed(actor=actor, email=email, language=language)
        return True

    @event("ContactChanged")
    def _contact_changed(self, *, actor: str, email: str | None, language: str | None) -> None:
        self.email = email
        self.language = language


def check_role(role: str) -> None:
    """Refuse a role outside the leadership group's three."""
    if role not in ROLES:
        raise ValidationError(
            N_("Unknown role %(role)s (use group_leader, deputy, member or none)."), role=role
        )


def check_email(email: str | None) -> str | None:
    """A mail address as given (trimmed), or None for none; refuse what cannot be one."""
    if email is None or not email.strip():
        return None
    email = email.strip()
    if len(email) > EMAIL_MAX or not EMAIL_RE.fullmatch(email):
        raise ValidationError(N_("%(value)s is not a mail address."), value=email[:EMAIL_MAX])
    return email


def check_language(language: str | None) -> str | None:
    """A mail language of MAIL_LANGUAGES, or None for the tracker's default."""
    if language is None or language == "":
        return None
    if language not in MAIL_LANGUAGES:
        raise ValidationError(N_("Unknown language %(value)s."), value=language[:40])
    return language
