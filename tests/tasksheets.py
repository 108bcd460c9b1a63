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


UNIT_NAMES = [f"市{n}局（{n}工作领导小组办公室）" for n in (
    "发展改革", "教育", "科技", "工业和信息化", "公安", "民政", "司法", "财政",
    "人力资源和社会保障", "自然资源和规划", "生态环境", "住房和城乡建设", "交通运输", "水务",
    "农业农村", "商务", "文化广电旅游",
    "卫生健康", "退役军人事务", "应急管理", "审计", "国资", "市场监管", "体育", "统计", "医疗保障",
    "城市管理", "数据", "信访", "粮食和物资储备")]


def big_sheet(tasks: int = 80) -> bytes:
    """A real-sized list: `tasks` tasks over 30 units with long names; most have no phase."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "任务分解"
    ws.append([*HEADER, "阶段"])
    for n in range(tasks):
        lead = UNIT_NAMES[n % 30]
        other = UNIT_NAMES[(n + 7) % 30]
        ws.append([n + 1, f"第{n + 1}项重点工作：推进{lead[1:5]}领域改革任务落实并形成制度成果",
                   f"副市长{n % 6 + 1}", lead, other, f"联络员{n % 30 + 1}",
                   f"2026年{n % 12 + 1}月{n % 27 + 1}日", "形成工作总结并报送市政府办公室",
                   "推进落实" if n % 3 == 0 else None])
    plan = wb.create_sheet("方案")
    for row in (["方案编号", "key2026"], ["方案名称", "2026年市政府重点工作任务分解"],
                ["开始日期", "2026年1月1日"], ["结束日期", "2026年12月31日"]):
        plan.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
