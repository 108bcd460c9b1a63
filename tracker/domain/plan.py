"""The Plan aggregate: a campaign with a period, goals and phases."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from tracker.domain.base import check_date, clean_text, clean_title, plan_id
from tracker.domain.leadership import check_leadership
from tracker.domain.status import Status
from tracker.domain.wip import check_limits, check_room
from tracker.errors import N_, UnknownReferenceError, ValidationError
from tracker.grading import (
    DuplicateNominationError,
    NotNominatedError,
    check_kind,
    check_thresholds,
    check_weights,
)


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
        check_date(starts, "starts")
        check_date(ends, "ends")
        if starts > ends:
            raise ValidationError(N_("The plan must start before it ends."))
        goals = [cls._checked_goal(g) for g in goals or []]
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
    def _checked_goal(g: dict[str, Any]) -> dict[str, Any]:
        goal = {"key": str(g["key"]), "title": clean_title(g["title"])}
        if g.get("leader"):
            goal["leader"] = str(g["leader"])
        return goal

    @staticmethod
    def _checked_phase(p: dict[str, Any], starts: date, ends: date) -> dict[str, Any]:
        p_starts, p_ends = (
            check_date(p["starts"], "starts"),
            check_date(p["ends"], "ends"),
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
        self.goal_leaders: dict[str, str] = {g["key"]: g["leader"] for g in goals
                                             if g.get("leader")}
        self.phases: dict[str, dict[str, Any]] = {p["key"]: dict(p) for p in phases}
        self.leadership: dict[str, str] | None = None  # None: roles never recorded

    def set_leadership(self, *, actor: str, leadership: dict[str, Any]) -> None:
        """Name the plan's leadership group and supervising office ({person: role})."""
        roles = check_leadership(leadership)
        if roles != self.leadership:
            self._leadership_set(actor=actor, plan_key=self.key, leadership=roles,
                                 old=self.leadership)

    @event("LeadershipSet")
    def _leadership_set(self, *, actor: str, plan_key: str, leadership: dict[str, str],
                        old: dict[str, str] | None) -> None:
        self.leadership = dict(leadership)

    @property
    def organisation(self) -> str:
        """The organisation that runs the plan (may be empty)."""
        return getattr(self, "_organisation", "")

    def edit(self, *, actor: str, title: str | None = None, description: str | None = None,
             organisation: str | None = None) -> None:
        """Change the title, description or organisation; old values stay in the events."""
        changes: dict[str, list[str]] = {}
        if organisation is not None and organisation.strip() != self.organisation:
            changes["organisation"] = [self.organisation,
                                       clean_title(organisation, "organisation")]
        if title is not None and clean_title(title) != self.title:
            changes["title"] = [self.title, clean_title(title)]
        if description is not None and clean_text(description, "description") != self.description:
            changes["description"] = [self.description, description]
        if changes:
            self._edited(actor=actor, changes=changes)

    @event("Edited")
    def _edited(self, *, actor: str, changes: dict[str, list[str]]) -> None:
        for field, (_old, new) in changes.items():
            setattr(self, "_organisation" if field == "organisation" else field, new)

    def set_goal(self, *, actor: str, key: str, title: str, leader: str | None = None) -> None:
        """Add a goal, rename one or name its responsible leader."""
        title = clean_title(title)
        leaders = getattr(self, "goal_leaders", {})
        if self.goals.get(key) != title or leaders.get(key) != leader:
            self._goal_set(actor=actor, key=key, title=title, old=self.goals.get(key),
                           leader=leader)

    @event("GoalSet")
    def _goal_set(self, *, actor: str, key: str, title: str, old: str | None,
                  leader: str | None = None) -> None:
        self.goals[key] = title
        leaders = {k: v for k, v in getattr(self, "goal_leaders", {}).items() if k != key}
        self.goal_leaders = {**leaders, key: leader} if leader else leaders

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

    # -- final review: grading weights and nominations 评选推荐 ---------------------------------

    @property
    def grading_weights(self) -> dict[str, int] | None:
        """The plan's self / superior weights, or None for the default."""
        return getattr(self, "_grading_weights", None)

    @property
    def grading_thresholds(self) -> dict[str, float] | None:
        """The plan's lowest scores of advanced, good and average, or None for the default."""
        return getattr(self, "_grading_thresholds", None)

    def set_grading(self, *, actor: str, self_weight: int, superior_weight: int,
                    thresholds: dict[str, Any] | None = None) -> None:
        """Set the weights of self and superior assessment (whole percents adding up to 100)
        and, when given, the grades' thresholds; an unchanged setting records nothing."""
        weights = check_weights({"self": self_weight, "superior": superior_weight})
        floors = None if thresholds is None else check_thresholds(thresholds)
        if weights != self.grading_weights:
            self._grading_set(actor=actor, plan_key=self.key, weights=weights,
                              old=self.grading_weights)
        if floors is not None and floors != self.grading_thresholds:
            self._thresholds_set(actor=actor, plan_key=self.key, thresholds=floors,
                                 old=self.grading_thresholds)

    @event("GradingSet")
    def _grading_set(self, *, actor: str, plan_key: str, weights: dict[str, int],
                     old: dict[str, int] | None) -> None:
        self._grading_weights = dict(weights)

    @event("ThresholdsSet")
    def _thresholds_set(self, *, actor: str, plan_key: str, thresholds: dict[str, float],
                        old: dict[str, float] | None) -> None:
        self._grading_thresholds = dict(thresholds)

    def is_nominated(self, kind: str, nominee: str) -> bool:
        """Whether a nomination of this unit or person stands."""
        return (kind, nominee) in getattr(self, "nominations", {})

    def nominate(self, *, actor: str, kind: str, nominee: str, reason: str) -> None:
        """Nominate a unit as advanced or a person as outstanding, with the reason."""
        kind = check_kind(kind)
        reason = clean_text(reason, "reason", required=True).strip()
        if self.is_nominated(kind, nominee):
            raise DuplicateNominationError(
                N_("%(key)s is already nominated for this plan."), key=nominee)
        self._nominated(actor=actor, plan_key=self.key, kind=kind, nominee=nominee,
                        reason=reason)

    @event("Nominated")
    def _nominated(self, *, actor: str, plan_key: str, kind: str, nominee: str,
                   reason: str) -> None:
        self.nominations = {**getattr(self, "nominations", {}), (kind, nominee): reason}

    def withdraw_nomination(self, *, actor: str, kind: str, nominee: str, reason: str) -> None:
        """Withdraw a standing nomination, with the reason."""
        kind = check_kind(kind)
        reason = clean_text(reason, "reason", required=True).strip()
        if not self.is_nominated(kind, nominee):
            raise NotNominatedError(N_("%(key)s is not nominated for this plan."), key=nominee)
        self._nomination_withdrawn(actor=actor, plan_key=self.key, kind=kind, nominee=nominee,
                                   reason=reason)

    @event("NominationWithdrawn")
    def _nomination_withdrawn(self, *, actor: str, plan_key: str, kind: str, nominee: str,
                              reason: str) -> None:
        self.nominations = {k: v for k, v in getattr(self, "nominations", {}).items()
                            if k != (kind, nominee)}

    # -- the board: work-in-progress limits per column ----------------------------------------

    @property
    def wip_limits(self) -> dict[str, int]:
        """The board's column limits {status: cards} (empty: no limits)."""
        return dict(getattr(self, "_wip_limits", {}))

    @property
    def wip_enforced(self) -> bool:
        """Whether a move into a full column is refused (else the column is only marked)."""
        return bool(getattr(self, "_wip_enforced", False))

    def set_wip_limits(self, *, actor: str, limits: Any, enforced: Any = False) -> None:
        """Set the board's column limits and whether moves into a full column are refused."""
        checked = check_limits(limits)
        if not isinstance(enforced, bool):
            raise ValidationError(N_("%(field)s must be true or false."), field="wip_enforced")
        if (checked, enforced) != (self.wip_limits, self.wip_enforced):
            self._wip_limits_set(actor=actor, plan_key=self.key, limits=checked,
                                 enforced=enforced, old=self.wip_limits)

    @event("WipLimitsSet")
    def _wip_limits_set(self, *, actor: str, plan_key: str, limits: dict[str, int],
                        enforced: bool, old: dict[str, int]) -> None:
        self._wip_limits = dict(limits)
        self._wip_enforced = enforced

    def check_wip(self, to: Status | None, count: int) -> None:
        """Refuse a move into a full column when this plan enforces its limits."""
        check_room(self.wip_limits, self.wip_enforced, to, count)

def outside_window(day: date, window: dict[str, Any] | None) -> bool:
    """A due date outside its phase's window (`starts`..`ends`): allowed, since a phase's dates
    are a plan's intent rather than a limit, but the person choosing it is warned."""
    return window is not None and not window["starts"] <= day <= window["ends"]
