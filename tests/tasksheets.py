"""Task sheets (XLSX) as offices make them, built with openpyxl for the tests."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

HEADER = ["序号", "工作任务", "责任领导", "牵头单位", "配合单位", "责任人", "完成时限",
          "工作目标/成果要求"]
ROWS: list[list[Any]] = [
    ["一、持续优化营商环境", None, None, None, None, None, None, None],
    [1, "制定优化营商环境\n实施方案", "李副市长", "市发展改革委\n市财政局", "市司法局", "王科长",
     "2026年6月30日", "印发实施方案"],
    [2, "开展营商环境评价", None, "市发展改革委", None, "王科长", "2026.9.30", "评价报告"],
    ["二、保障和改善民生", None, None, None, None, None, None, None],
    [3, "新建社区养老服务站", "张副市长", "市民政局", "市财政局、市住建局", None, "6月底",
     "建成20个"],
    [4, "推进老旧小区改造", None, "市住建局", None, "赵主任", "第三季度末", "完成改造"],
]


def task_sheet(rows: list[list[Any]] | None = None, plan_sheet: bool = True) -> bytes:
    """A workbook with a title row, a header, merged headings and a merged leader cell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "任务分解"
    ws.append(["2026年重点工作任务分解表"])
    ws.merge_cells("A1:H1")
    ws.append(HEADER)
    for row in rows if rows is not None else ROWS:
        ws.append(row)
    ws.merge_cells("A3:H3")  # section heading
    ws.merge_cells("C4:C5")  # one leader for two tasks
    ws.merge_cells("A6:H6")
    ws.merge_cells("C7:C8")
    if plan_sheet:
        plan = wb.create_sheet("方案")
        for row in (["方案编号", "city2026"], ["方案名称", "2026年重点工作任务"],
                    ["开始日期", "2026年1月1日"], ["结束日期", "2026.12.31"],
                    ["单位", "某市人民政府办公室"]):
            plan.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
