"""The Plan aggregate: a campaign with a period, goals and phases."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from tracker.domain.base import check_date, clean_text, clean_title, plan_id
from tracker.errors import N_, UnknownReferenceError, ValidationError


class Plan(Aggregate):
    """A plan 方案 with goals 目标 and phases 阶段 (named date windows)."""

    @staticmethod
    def create_id(key: str, **_: Any) -> UUID:
        return plan_id(key)

    @classmethod
    def create(
        cls,
        *,
        actor: str,
        key: str,
        title: str,
        starts: date,
        ends: date,
        description: str = "",
        goals: list[dict[str, Any]] | None = None,
        phases: list[dict[str, Any]] | None = None,
    ) -> Plan:
        """Decide to create a plan; every goal and phase is checked first."""
        title = clean_title(title)
        description = clean_text(description, "description")
        check_date(starts, "start date")
        check_date(ends, "end date")
        if starts > ends:
            raise ValidationError(N_("The plan must start before it ends."))
        goals = [{"key": str(g["key"]), "title": clean_title(g["title"])} for g in goals or []]
        phases = [cls._checked_phase(p, starts, ends) for p in phases or []]
        return cls(
            actor=actor,
            key=key,
            title=title,
            starts=starts,
            ends=ends,
            description=description,
            goals=goals,
            phases=phases,
        )

    @staticmethod
    def _checked_phase(p: dict[str, Any], starts: date, ends: date) -> dict[str, Any]:
        p_starts, p_ends = (
            check_date(p["starts"], "phase start"),
            check_date(p["ends"], "phase end"),
        )
        if p_starts > p_ends or p_starts < starts or p_ends > ends:
            raise ValidationError(
                N_("The phase %(key)s must lie inside the plan period and start before it ends."),
                key=p["key"],
            )
        return {
            "key": str(p["key"]),
            "title": clean_title(p["title"]),
            "starts": p_starts,
            "ends": p_ends,
        }

    @event("Created")
    def __init__(
        self,
        *,
        actor: str,
        key: str,
        title: str,
        starts: date,
        ends: date,
        description: str,
        goals: list[dict[str, Any]],
        phases: list[dict[str, Any]],
    ) -> None:
        self.created_by = actor
        self.key = key
        self.title = title
        self.starts = starts
        self.ends = ends
        self.description = description
        self.goals: dict[str, str] = {g["key"]: g["title"] for g in goals}
        self.phases: dict[str, dict[str, Any]] = {p["key"]: dict(p) for p in phases}

    def edit(self, *, actor: str, title: str | None = None, description: str | None = None) -> None:
        """Change the title or description; old values stay in the events."""
        changes: dict[str, list[str]] = {}
        if title is not None and clean_title(title) != self.title:
            changes["title"] = [self.title, clean_title(title)]
        if description is not None and clean_text(description, "description") != self.description:
            changes["description"] = [self.description, description]
        if changes:
            self._edited(actor=actor, changes=changes)

    @event("Edited")
    def _edited(self, *, actor: str, changes: dict[str, list[str]]) -> None:
        for field, (_old, new) in changes.items():
            setattr(self, field, new)

    def set_goal(self, *, actor: str, key: str, title: str) -> None:
        """Add a goal or rename one."""
        title = clean_title(title)
        if self.goals.get(key) != title:
            self._goal_set(actor=actor, key=key, title=title, old=self.goals.get(key))

    @event("GoalSet")
    def _goal_set(self, *, actor: str, key: str, title: str, old: str | None) -> None:
        self.goals[key] = title

    def set_phase(self, *, actor: str, key: str, title: str, starts: date, ends: date) -> None:
        """Add a phase or change its title or window."""
        phase = self._checked_phase(
            {"key": key, "title": title, "starts": starts, "ends": ends}, self.starts, self.ends
        )
        if self.phases.get(key) != phase:
            self._phase_set(actor=actor, phase=phase, old=self.phases.get(key))

    @event("PhaseSet")
    def _phase_set(self, *, actor: str, phase: dict[str, Any], old: dict[str, Any] | None) -> None:
        self.phases[phase["key"]] = dict(phase)

    def check_goal(self, key: str | None) -> None:
        """Refuse a goal key that this plan does not have."""
        if key is not None and key not in self.goals:
            raise UnknownReferenceError(N_("The plan has no goal %(key)s."), key=key)

    def check_phase(self, key: str | None) -> None:
        """Refuse a phase key that this plan does not have."""
        if key is not None and key not in self.phases:
            raise UnknownReferenceError(N_("The plan has no phase %(key)s."), key=key)
