"""Task sheets (XLSX): headers, merged and multi-line cells, office dates, problems by
sheet/row/column, nothing written unless the whole sheet is valid; CLI on both stores."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from tasksheets import ROWS, task_sheet

from tracker.application import TrackerApplication
from tracker.cli import main
from tracker.importer import import_plan
from tracker.permissions import SYSTEM
from tracker.planfile import PlanFileError
from tracker.taskdates import parse_due
from tracker.tasksheet import SheetOptions, read_task_sheet, stable_key

S, E = date(2026, 1, 1), date(2026, 12, 31)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026年6月30日", date(2026, 6, 30)), ("2026.6.30", date(2026, 6, 30)),
    ("2026-6-30", date(2026, 6, 30)), ("2026/06/30", date(2026, 6, 30)),
    ("6月底", date(2026, 6, 30)), ("6月30日前", date(2026, 6, 30)),
    ("第三季度末", date(2026, 9, 30)), ("三季度末", date(2026, 9, 30)),
    ("2026年第4季度", date(2026, 12, 31)), ("年底前", date(2026, 12, 31)),
    ("上半年", date(2026, 6, 30)), ("2026年11月", date(2026, 11, 30)), ("长期坚持", E),
])
def test_dates_as_offices_write_them_are_understood(text: str, expected: date) -> None:
    assert parse_due(text, S, E) == expected


@pytest.mark.parametrize("text", ["尽快", "2026年2月30日", "next week", "第五季度末", "13月底"])
def test_dates_that_are_not_understood_give_none(text: str) -> None:
    assert parse_due(text, S, E) is None


def test_a_sheet_with_chinese_headers_and_merged_cells_reads_into_a_plan() -> None:
    pf = read_task_sheet(task_sheet())
    assert (pf.plan.key, pf.plan.title, pf.plan.starts, pf.plan.ends) == (
        "city2026", "2026年重点工作任务", S, E)
    assert pf.plan.organisation == "某市人民政府办公室"
    first, second, third, fourth = pf.items
    assert first.title == "制定优化营商环境实施方案"
    assert first.due == date(2026, 6, 30) and second.due == date(2026, 9, 30)
    assert third.due == date(2026, 6, 30) and fourth.due == date(2026, 9, 30)
    names = {p.key: p.name for p in pf.people}
    units = {u.key: u.name for u in pf.units}
    assert [names[k] for k in first.leaders] == ["李副市长"]
    assert [names[k] for k in second.leaders] == ["李副市长"]  # merged down two rows
    assert units[first.lead_unit] == "市发展改革委" and [units[k] for k in first.co_leads] == [
        "市财政局"]
    assert names[first.owner] == "王科长" and names[third.owner] == "张副市长"
    assert [units[k] for k in third.units] == ["市财政局", "市住建局"]
    goals = {g.key: g.title for g in pf.plan.goals}
    assert goals[first.goal] == "一、持续优化营商环境"
    assert goals[fourth.goal] == "二、保障和改善民生"
    assert first.key == "city2026:制定优化营商环境实施方案" and first.line == 4


def test_keys_derived_from_names_are_stable_and_existing_names_keep_their_keys() -> None:
    pf = read_task_sheet(task_sheet(), units={"市民政局": "civil"}, people={"赵主任": "zhao"})
    units = {u.name: u.key for u in pf.units}
    assert units["市民政局"] == "civil"
    assert units["市财政局"] == stable_key("unit", "市财政局") == read_task_sheet(
        task_sheet()).units[1].key
    assert {p.name: p.key for p in pf.people}["赵主任"] == "zhao"


def test_options_give_the_plan_when_there_is_no_plan_sheet() -> None:
    with pytest.raises(PlanFileError) as info:
        read_task_sheet(task_sheet(plan_sheet=False))
    assert "方案" in str(info.value)
    pf = read_task_sheet(task_sheet(plan_sheet=False),
                         SheetOptions("k", "任务", date(2026, 1, 1), date(2026, 12, 31)))
    assert pf.plan.key == "k" and len(pf.items) == 4


def bad_rows() -> list[list[object]]:
    rows = [list(r) for r in ROWS]
    rows[1][6] = "尽快"  # row 4: a date not understood
    rows[2][3] = None  # row 5: no lead unit
    rows[5][6] = "2027年3月1日"  # row 8: outside the plan
    return rows


def test_a_sheet_with_three_bad_rows_names_each_sheet_row_and_column() -> None:
    with pytest.raises(PlanFileError) as info:
        read_task_sheet(task_sheet(bad_rows()))
    found = [(p.sheet, p.line, p.column) for p in info.value.problems]
    assert found == [("任务分解", 4, "G（完成时限）"), ("任务分解", 5, "D（牵头单位）"),
                     ("任务分解", 8, "G（完成时限）")]
    assert "'尽快'" in info.value.problems[0].message
    assert "sheet 任务分解, row 4, column G（完成时限）" in str(info.value)


def test_a_task_sheet_imports_once(app: TrackerApplication) -> None:
    pf = read_task_sheet(task_sheet())
    assert import_plan(app, pf, SYSTEM).events > 10
    assert import_plan(app, pf, SYSTEM).events == 0
    assert app.get_item("city2026:推进老旧小区改造", "city2026").due == date(2026, 9, 30)


def test_cli_imports_a_task_sheet_and_refuses_a_bad_one_writing_nothing(
        tmp_path: Path, database_url: str) -> None:
    good, bad = tmp_path / "tasks.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(task_sheet())
    bad.write_bytes(task_sheet(bad_rows()))
    args = ["--instance", str(tmp_path / "i"), "--db", database_url, "import"]
    runner = CliRunner()
    refused = runner.invoke(main, [*args, str(bad)])
    assert refused.exit_code == 2
    for where in ("row 4, column G（完成时限）", "row 5, column D（牵头单位）",
                  "row 8, column G（完成时限）"):
        assert where in refused.output
    listed = runner.invoke(main, ["--instance", str(tmp_path / "i"), "--db", database_url,
                                  "items", "list"])
    assert "0 items" in listed.output
    done = runner.invoke(main, [*args, str(good)])
    assert done.exit_code == 0 and "city2026" in done.output, done.output
    again = runner.invoke(main, [*args, str(good)])
    assert "0 events written" in again.output
    listed = runner.invoke(main, ["--instance", str(tmp_path / "i"), "--db", database_url,
                                  "items", "list", "--plan", "city2026"])
    assert "4 items" in listed.output and "王科长" in listed.output


def test_cli_options_name_the_plan_of_a_sheet_without_a_plan_sheet(tmp_path: Path) -> None:
    sheet = tmp_path / "t.xlsx"
    sheet.write_bytes(task_sheet(plan_sheet=False))
    result = CliRunner().invoke(main, [
        "--instance", str(tmp_path / "i"), "--db", f"sqlite:///{tmp_path / 'x.db'}", "import",
        str(sheet), "--key", "k26", "--title", "二〇二六年任务", "--starts", "2026-01-01",
        "--ends", "2026-12-31"])
    assert result.exit_code == 0 and "Plan k26" in result.output


def test_a_file_that_is_not_a_workbook_is_one_problem() -> None:
    with pytest.raises(PlanFileError) as info:
        read_task_sheet(b"PK\x03\x04 broken")
    assert "not an XLSX workbook" in str(info.value)
