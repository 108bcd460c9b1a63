"""Typed specs of a checked plan file, and the problems found in a refused one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.domain.leadership import PLAN_ROLES


@dataclass(frozen=True)
class Problem:
    """One problem: where (a line, or a sheet/row/column) and what, also as a msgid + params."""

    line: int
    message: str
    msgid: str = field(default="", compare=False)
    params: tuple[tuple[str, Any], ...] = field(default=(), compare=False)
    sheet: str | None = field(default=None, compare=False)
    column: str | None = field(default=None, compare=False)

    @property
    def where(self) -> str:
        """'line 7', or 'sheet 任务, row 5, column 完成时限' for a task sheet."""
        if self.sheet is None:
            return f"line {self.line}"
        column = f", column {self.column}" if self.column else ""
        return f"sheet {self.sheet}, row {self.line}{column}"


class PlanFileError(ValueError):
    """A plan file that cannot be imported; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"{p.where}: {p.message}" for p in problems))


@dataclass(frozen=True)
class GoalSpec:
    key: str
    title: str
    line: int
    leader: str | None = None


@dataclass(frozen=True)
class PhaseSpec:
    key: str
    title: str
    starts: date
    ends: date
    line: int


@dataclass(frozen=True)
class PlanSpec:
    key: str
    title: str
    starts: date
    ends: date
    goals: tuple[GoalSpec, ...]
    phases: tuple[PhaseSpec, ...]
    description: str
    line: int
    organisation: str = ""
    language: str = "zh"


@dataclass(frozen=True)
class UnitSpec:
    key: str
    name: str
    line: int
    contact: str | None = None
    parent: str | None = None


@dataclass(frozen=True)
class PersonSpec:
    key: str
    name: str
    role: str
    liaison: tuple[str, ...]
    line: int
    unit: str | None = None
    role_given: bool = True
    email: str | None = None


@dataclass(frozen=True)
class ItemSpec:
    key: str
    title: str
    owner: str
    lead_unit: str
    units: tuple[str, ...]
    due: date
    phase: str | None
    goal: str | None
    deliverable: str
    description: str
    parent: str | None
    report_every_days: int | None
    line: int
    leaders: tuple[str, ...] = ()
    co_leads: tuple[str, ...] = ()
    milestones: tuple[MilestoneSpec, ...] = ()


@dataclass(frozen=True)
class MilestoneSpec:
    """A node inside one item (节点): its own title, due date and deliverable."""

    key: str
    title: str
    due: date
    deliverable: str


@dataclass(frozen=True)
class PlanFile:
    plan: PlanSpec
    units: tuple[UnitSpec, ...]
    people: tuple[PersonSpec, ...]
    items: tuple[ItemSpec, ...]
    leadership: dict[str, str] | None = None  # the `leadership:` section, {person: role}

    def plan_roles(self) -> dict[str, str] | None:
        """The plan's roles the file gives: its `leadership:` section, else its people's
        leadership roles (None: the file names none)."""
        if self.leadership is not None:
            return dict(self.leadership)
        roles = {p.key: p.role for p in self.people if p.role in PLAN_ROLES}
        return roles or None
