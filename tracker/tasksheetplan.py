"""Turn the rows of a task sheet into plan-file specs: the plan from the 方案 sheet or options,
units and people by name (existing ones keep their keys), one item per task row."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from openpyxl.utils import get_column_letter

from tracker.errors import N_
from tracker.planspecs import (
    GoalSpec,
    ItemSpec,
    PersonSpec,
    PhaseSpec,
    PlanFile,
    PlanSpec,
    UnitSpec,
)
from tracker.taskdates import parse_due

Add = Callable[..., None]
_SPLIT = re.compile(r"[、,，;；/\n]+")
_CJK = re.compile("[\u3400-\u9fff]")


def stable_key(kind: str, name: str) -> str:
    """A key derived from a name: the same name always gives the same key."""
    return f"{kind}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:10]}"


def norm(text: object) -> str:
    """A header as compared: no spaces or line breaks, lower case, no trailing colon."""
    return re.sub(r"\s+", "", str(text or "")).lower().rstrip(":：")


def cell_text(value: Any) -> str:
    """A cell as one line of text: lines joined (without a space between Chinese characters)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    out = ""
    for line in (part.strip() for part in str(value).splitlines()):
        if not line:
            continue
        joined = not out or (_CJK.match(line) and _CJK.search(out[-1]))
        out += ("" if joined else " ") + line
    return out


def names(value: Any) -> list[str]:
    """The names in a cell: split at 、 , ; / and line breaks."""
    found = [n.strip() for n in _SPLIT.split(str(value or "")) if n.strip()]
    return list(dict.fromkeys(found))


class SheetPlan:
    """The plan being read: its spec, the directory by name, and the specs made so far."""

    def __init__(self, add: Add, fields: dict[str, Any], people: dict[str, str],
                 units: dict[str, str]) -> None:
        self.add = add
        self.known_people, self.known_units = people, units
        self.units: dict[str, UnitSpec] = {}
        self.people: dict[str, PersonSpec] = {}
        self.goals: dict[str, GoalSpec] = {}
        self.phases: dict[str, str] = {}
        self.spec = self._plan(fields)

    def _plan(self, fields: dict[str, Any]) -> PlanSpec | None:
        sheet = fields.pop("_sheet", None)
        missing = [f for f in ("key", "title", "starts", "ends") if f not in fields]
        if missing:
            self.add(sheet, 1, None, N_("the plan's %(fields)s are missing: add a sheet named "
                                        "方案 (or Plan) or give them as options"),
                     fields=", ".join(missing))
            return None
        values = {f: cell_text(v) for f, (v, _row) in fields.items()}
        dates = {}
        for f in ("starts", "ends"):
            raw, row = fields[f]
            dates[f] = parse_due(raw, date(2000, 1, 1), date(2000, 12, 31))
            if dates[f] is None:
                self.add(sheet, row, None, N_("the plan's %(field)s %(value)r is not a date"),
                         field=f, value=cell_text(raw)[:40])
        starts, ends = dates["starts"], dates["ends"]
        if starts is None or ends is None:
            return None
        if starts > ends:
            self.add(sheet, fields["starts"][1], None,
                     N_("the plan starts (%(starts)s) after it ends (%(ends)s)"), starts=starts,
                     ends=ends)
            return None
        title = values["title"]
        return PlanSpec(values["key"], title, starts, ends, (), (), values.get("description", ""),
                        1, values.get("organisation", ""), "zh" if _CJK.search(title) else "en")

    def unit(self, name: str, row: int) -> str:
        key = self.known_units.get(name) or stable_key("unit", name)
        self.units.setdefault(name, UnitSpec(key, name, row))
        return key

    def person(self, name: str, row: int, role: str, unit: str | None) -> str:
        known = self.known_people.get(name)
        key = known or stable_key("person", name)
        if name not in self.people:
            self.people[name] = PersonSpec(key, name, role, (), row, None if known else unit,
                                           role_given=False)
        return key

    def goal(self, title: str, row: int) -> str:
        if title not in self.goals:
            self.goals[title] = GoalSpec(stable_key("goal", title), title, row)
        return self.goals[title].key

    def phase(self, title: str) -> str:
        return self.phases.setdefault(title, stable_key("phase", title))


def _header(rows: list[list[Any]],
            headers: dict[str, tuple[str, ...]]) -> tuple[int, dict[str, int]]:
    """The header row (0-based) among the first ten and its columns by field, or (-1, {})."""
    for r, row in enumerate(rows[:10]):
        found: dict[str, int] = {}
        for c, value in enumerate(row):
            field = next((f for f, known in headers.items() if norm(value) in known), None)
            if field and field not in found:
                found[field] = c
        if "title" in found and len(found) >= 2:
            return r, found
    return -1, {}


def _column(cols: dict[str, int], header: list[Any], field: str) -> str:
    c = cols[field]
    return f"{get_column_letter(c + 1)}（{cell_text(header[c])}）"


def _row_item(plan: SheetPlan, sheet: str, number: int, row: list[Any], cols: dict[str, int],
              header: list[Any], section: str | None) -> ItemSpec | None:
    def raw(field: str) -> Any:
        return row[cols[field]] if field in cols and cols[field] < len(row) else None

    def where(field: str) -> str | None:
        return _column(cols, header, field) if field in cols else None

    spec = plan.spec
    assert spec is not None
    title = cell_text(raw("title"))
    if not title:
        plan.add(sheet, number, where("title"), N_("the task is empty"))
    elif len(title) > 500:
        plan.add(sheet, number, where("title"), N_("the task is longer than 500 characters"))
    leads = [plan.unit(n, number) for n in names(raw("lead_units"))]
    if not leads:
        plan.add(sheet, number, where("lead_units") or where("title"),
                 N_("no lead unit is named"))
    due_text = cell_text(raw("due"))
    due = parse_due(raw("due"), spec.starts, spec.ends) if due_text else None
    if not due_text:
        plan.add(sheet, number, where("due") or where("title"), N_("no due date is given"))
    elif due is None:
        plan.add(sheet, number, where("due"), N_("the due date %(value)r is not understood (write "
                                                 "it like 2026年6月30日, 2026.6.30, 6月底 or "
                                                 "第三季度末)"), value=due_text[:40])
    elif not spec.starts <= due <= spec.ends:
        plan.add(sheet, number, where("due"), N_("the due date %(due)s is outside the plan "
                                                 "period (%(first)s to %(last)s)"), due=due,
                 first=spec.starts, last=spec.ends)
    leaders = [plan.person(n, number, "member", None) for n in names(raw("leaders"))]
    owners = [plan.person(n, number, "none", leads[0] if leads else None)
              for n in names(raw("owner"))]
    owner = owners[0] if owners else (leaders[0] if leaders else None)
    if owner is None and leads:
        plan.add(sheet, number, where("owner") or where("title"),
                 N_("neither a responsible person nor a responsible leader is named"))
    supporting = [u for u in (plan.unit(n, number) for n in names(raw("units")))
                  if u not in leads]
    goal_title = cell_text(raw("goal")) or section
    phase_title = cell_text(raw("phase"))
    if not title or not leads or due is None or owner is None:
        return None
    return ItemSpec(title, title, owner, leads[0], tuple(supporting), due,
                    plan.phase(phase_title) if phase_title else None,
                    plan.goal(goal_title, number) if goal_title else None,
                    cell_text(raw("deliverable")), cell_text(raw("description")), None, None,
                    number, tuple(leaders), tuple(leads[1:]))


def _sheet_items(plan: SheetPlan, sheet: str, rows: list[list[Any]],
                 headers: dict[str, tuple[str, ...]]) -> list[ItemSpec]:
    start, cols = _header(rows, headers)
    if start < 0:
        if any(cell_text(c) for row in rows for c in row):
            plan.add(sheet, 1, None, N_("no header row with a task column (工作任务, 督办事项 or "
                                        "Task) in the first ten rows"))
        return []
    items: list[ItemSpec] = []
    section: str | None = None
    for r in range(start + 1, len(rows)):
        row, number = rows[r], r + 1
        texts = [cell_text(c) for c in row]
        filled = [t for t in texts if t]
        if not filled or [norm(t) for t in texts] == [norm(c) for c in rows[start]]:
            continue
        title_cell = texts[cols["title"]] if cols["title"] < len(texts) else ""
        if len(set(filled)) == 1 and (len(filled) > 1 or not title_cell):
            section = filled[0]  # a heading row (merged across the table): the goal that follows
            continue
        item = _row_item(plan, sheet, number, row, cols, rows[start], section)
        if item is not None:
            items.append(item)
    return items


def _keyed(plan_key: str, items: list[ItemSpec], add: Add,
           sheet_of: dict[int, str]) -> list[ItemSpec]:
    """Item keys as in plan files: the title, or title and lead unit when the title repeats."""
    counts: dict[str, int] = {}
    for it in items:
        counts[it.title] = counts.get(it.title, 0) + 1
    out: list[ItemSpec] = []
    seen: dict[str, int] = {}
    for it in items:
        key = f"{plan_key}:{it.title}" + (f"@{it.lead_unit}" if counts[it.title] > 1 else "")
        if key in seen:
            add(sheet_of.get(it.line), it.line, None, N_("the task %(title)r with the same lead "
                                                         "unit is also on row %(first)s"),
                title=it.title[:40], first=seen[key])
            continue
        seen[key] = it.line
        out.append(ItemSpec(key, *_rest(it)))
    return out


def _rest(it: ItemSpec) -> tuple[Any, ...]:
    return (it.title, it.owner, it.lead_unit, it.units, it.due, it.phase, it.goal,
            it.deliverable, it.description, it.parent, it.report_every_days, it.line, it.leaders,
            it.co_leads, it.milestones)


def build_plan_file(plan: SheetPlan, sheets: dict[str, list[list[Any]]],
                    headers: dict[str, tuple[str, ...]]) -> PlanFile | None:
    """The plan file the sheets describe, or None when the plan itself cannot be read."""
    if plan.spec is None:
        return None
    items: list[ItemSpec] = []
    sheet_of: dict[int, str] = {}
    for name, rows in sheets.items():
        found = _sheet_items(plan, name, rows, headers)
        sheet_of.update({it.line: name for it in found})
        items += found
    spec = plan.spec
    phases = tuple(PhaseSpec(key, title, spec.starts, spec.ends, 1)
                   for title, key in plan.phases.items())
    goals = tuple(plan.goals.values())
    units = tuple(plan.units.values())
    people = tuple(plan.people.values())
    if not items:
        return None
    keyed = _keyed(spec.key, items, plan.add, sheet_of)
    return PlanFile(PlanSpec(spec.key, spec.title, spec.starts, spec.ends, goals, phases,
                             spec.description, spec.line, spec.organisation, spec.language),
                    units, people, tuple(keyed))
