"""Read a task sheet (任务分解表 / 督办台账, XLSX) into a plan file: headers recognised by their
usual Chinese and English names, merged and multi-line cells as offices make them, people and
units created by name with stable keys; every problem by sheet, row and column."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.errors import N_
from tracker.planspecs import PlanFile, PlanFileError, PlanSpec, Problem
from tracker.tasksheetplan import SheetPlan, build_plan_file, cell_text, norm, stable_key

MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED = 60 * 1024 * 1024
MAX_ROWS = 5000
PLAN_SHEETS = ("方案", "plan")
HEADERS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "no", "no.", "#", "number"),
    "title": ("工作任务", "督办事项", "重点任务", "任务", "工作内容", "任务内容", "事项", "task",
              "title", "work item", "tasks"),
    "leaders": ("责任领导", "分管领导", "牵头领导", "leader", "leaders", "responsible leader",
                "responsible leaders"),
    "lead_units": ("牵头单位", "责任单位", "主责单位", "lead unit", "lead units",
                   "responsible unit"),
    "units": ("配合单位", "协办单位", "参与单位", "supporting units", "supporting unit",
              "co-operating units"),
    "owner": ("责任人", "具体责任人", "联系人", "owner", "contact", "responsible person"),
    "due": ("完成时限", "办结时限", "完成时间", "时间节点", "时限", "due", "deadline",
            "due date"),
    "deliverable": ("工作目标", "成果要求", "成果形式", "工作要求", "目标要求", "deliverable",
                    "expected result", "outcome"),
    "phase": ("阶段", "phase"),
    "goal": ("目标", "所属目标", "goal", "objective"),
    "description": ("备注", "说明", "notes", "description", "remarks"),
}
PLAN_FIELDS: dict[str, tuple[str, ...]] = {
    "key": ("方案编号", "编号", "key"), "title": ("方案名称", "名称", "标题", "title"),
    "starts": ("开始日期", "开始", "starts", "start"), "ends": ("结束日期", "结束", "ends", "end"),
    "organisation": ("单位", "组织", "organisation", "organization"),
    "description": ("说明", "描述", "description"),
}


@dataclass(frozen=True)
class SheetOptions:
    """Plan key, title and period given on the command line (they win over the 方案 sheet)."""

    key: str | None = None
    title: str | None = None
    starts: date | None = None
    ends: date | None = None


class _Book:
    """The workbook's cells with merged ranges filled in, and problems found so far."""

    def __init__(self, data: bytes) -> None:
        self.problems: list[Problem] = []
        self.sheets: dict[str, list[list[Any]]] = {}
        self.wb = self._open(data)
        if self.wb is None:
            return
        for ws in self.wb.worksheets:
            if ws.max_row > MAX_ROWS or ws.max_column > 60:
                self.add(ws.title, 1, None, N_("the sheet has more than %(max)s rows or 60 "
                                               "columns"), max=MAX_ROWS)
                continue
            grid = [list(row) for row in ws.iter_rows(values_only=True)]
            for rng in ws.merged_cells.ranges:
                top = grid[rng.min_row - 1][rng.min_col - 1] if rng.min_row <= len(grid) else None
                for r in range(rng.min_row, min(rng.max_row, len(grid)) + 1):
                    for c in range(rng.min_col, rng.max_col + 1):
                        if c - 1 < len(grid[r - 1]):
                            grid[r - 1][c - 1] = top
            self.sheets[ws.title] = grid

    def _open(self, data: bytes) -> Any:
        import openpyxl

        if len(data) > MAX_BYTES:
            self.add(None, 1, None, N_("the workbook is larger than 10 MB"))
            return None
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                if sum(i.file_size for i in zf.infolist()) > MAX_UNPACKED:
                    self.add(None, 1, None, N_("the workbook unpacks to more than 60 MB"))
                    return None
            return openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        except Exception:  # noqa: BLE001 - any unreadable file is one problem, not a crash
            self.add(None, 1, None, N_("the file is not an XLSX workbook"))
            return None

    def add(self, sheet: str | None, row: int, column: str | None, msgid: str,
            **params: Any) -> None:
        message = msgid % params if params else msgid
        self.problems.append(Problem(row, message, msgid, tuple(params.items()),
                                     sheet=sheet or "-", column=column))


def _plan_sheet(book: _Book, options: SheetOptions) -> dict[str, Any]:
    found: dict[str, Any] = {}
    name = next((n for n in book.sheets if norm(n) in PLAN_SHEETS), None)
    rows = book.sheets.get(name, []) if name else []
    for number, row in enumerate(rows, 1):
        cells = [c for c in row if c is not None and str(c).strip()]
        if len(cells) < 2:
            continue
        field = next((f for f, names in PLAN_FIELDS.items() if norm(cells[0]) in names), None)
        if field:
            found[field] = (cells[1], number)
    for field in ("key", "title", "starts", "ends"):
        given = getattr(options, field)
        if given is not None:
            found[field] = (given, 0)
    found["_sheet"] = name
    return found


def is_workbook(data: bytes) -> bool:
    """Whether the bytes are a ZIP container (an XLSX workbook), not plan-file text."""
    return data[:4] == b"PK\x03\x04"


def read_task_sheet(data: bytes, options: SheetOptions | None = None,
                    people: dict[str, str] | None = None,
                    units: dict[str, str] | None = None) -> PlanFile:
    """Read a workbook into a plan file, or raise PlanFileError naming every problem.
    `people` and `units` map names already in the directory to their keys."""
    book = _Book(data)
    if book.wb is None:
        raise PlanFileError(book.problems)
    plan = SheetPlan(book.add, _plan_sheet(book, options or SheetOptions()),
                     people or {}, units or {})
    sheets = [n for n in book.sheets if norm(n) not in PLAN_SHEETS]
    result = build_plan_file(plan, {n: book.sheets[n] for n in sheets}, HEADERS)
    if book.problems or result is None:
        problems = book.problems or [Problem(1, "the workbook has no task rows",
                                             N_("the workbook has no task rows"), sheet="-")]
        raise PlanFileError(problems)
    return result


__all__ = ["PlanSpec", "SheetOptions", "cell_text", "is_workbook", "read_task_sheet", "stable_key"]
