"""Plan import and the core CLI commands, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.application import TrackerApplication
from tracker.cli import main
from tracker.demo import demo_plan_text
from tracker.importer import import_plan
from tracker.permissions import SYSTEM, Actor
from tracker.planfile import PlanFileError, parse_plan_file

BAD_PLAN = """\
plan:
  key: bad
  title: 坏方案
  starts: 2012-03-20
  ends: 2012-12-31
  phases: [{key: P1, title: 动员, starts: 2012-03-20, ends: 2012-03-31}]
units: [{key: u1, name: 支部}]
people: [{key: p1, name: 书记, role: group_leader}]
items:
  - {title: 好事项, owner: p1, lead_unit: u1, due: 2012-05-01}
  - {title: 坏负责人, owner: ghost, lead_unit: u1, due: 2012-05-01}
  - {title: 超期, owner: p1, lead_unit: u1, due: 2013-05-01}
  - {title: 错日期, owner: p1, lead_unit: u1, due: 2012-02-30, phase: P9}
"""


def run(*args: str, tmp_path: Path, db: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--instance", str(tmp_path / "inst"), "--db", db, *args])
    return result.exit_code, result.stdout, result.stderr


def test_importing_a_valid_plan_twice_writes_no_event_the_second_time(
    app: TrackerApplication,
) -> None:
    pf = parse_plan_file(demo_plan_text())
    first = import_plan(app, pf, SYSTEM)
    head = app.recorder.max_notification_id()
    second = import_plan(app, pf, SYSTEM)
    assert first.events > 40
    assert (second.events, app.recorder.max_notification_id()) == (0, head)


def test_import_creates_items_with_references_and_recurring_copies(app: TrackerApplication) -> None:
    pf = parse_plan_file(demo_plan_text())
    import_plan(app, pf, SYSTEM)
    training = [it for it in pf.items if it.key.startswith("training#")]
    assert len(training) == 2
    item = app.get_item(training[1].key, pf.plan.key)
    assert (item.owner, item.due) == (training[1].owner, training[1].due)
    children = [it for it in pf.items if it.parent]
    assert app.get_item(children[0].key, pf.plan.key).parent == children[0].parent


def test_reimport_of_an_edited_title_records_only_the_edit(app: TrackerApplication) -> None:
    text = demo_plan_text()
    pf = parse_plan_file(text)
    import_plan(app, pf, SYSTEM)
    first = pf.items[0]
    edited = parse_plan_file(
        text.replace(f"title: {first.title}", f"title: {first.title}（修订）", 1)
    )
    result = import_plan(app, edited, SYSTEM)
    assert result.events == 1
    assert app.get_item(first.key, pf.plan.key).title.endswith("（修订）")


def test_import_needs_an_administrator(app: TrackerApplication) -> None:
    from tracker.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        import_plan(app, parse_plan_file(demo_plan_text()), Actor("x", "leader"))


def test_bad_plan_lists_every_problem_with_its_line() -> None:
    with pytest.raises(PlanFileError) as info:
        parse_plan_file(BAD_PLAN)
    lines = sorted({p.line for p in info.value.problems})
    assert lines == [11, 12, 13]


def test_cli_import_of_a_bad_plan_exits_2_names_lines_and_writes_nothing(
    tmp_path: Path, database_url: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_PLAN, encoding="utf-8")
    code, _out, err = run("import", str(bad), tmp_path=tmp_path, db=database_url)
    assert code == 2
    for line in (11, 12, 13):
        assert f"line {line}:" in err
    good = tmp_path / "good.yaml"
    good.write_text(demo_plan_text(), encoding="utf-8")
    code, out, _ = run("import", str(good), tmp_path=tmp_path, db=database_url)
    assert code == 0 and "events written" in out
    code, out, _ = run("import", str(good), tmp_path=tmp_path, db=database_url)
    assert code == 0 and "0 events written" in out


def test_cli_import_of_a_missing_or_non_utf8_file_exits_2(
    tmp_path: Path, database_url: str
) -> None:
    code, _, err = run("import", str(tmp_path / "nope.yaml"), tmp_path=tmp_path, db=database_url)
    assert code == 2 and "nope.yaml" in err
    junk = tmp_path / "junk.yaml"
    junk.write_bytes(b"plan:\n  key: \xff\xfe\n")
    code, _, err = run("import", str(junk), tmp_path=tmp_path, db=database_url)
    assert code == 2 and "line 1" in err


def test_cli_unusable_database_url_exits_2(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(demo_plan_text(), encoding="utf-8")
    code, _, err = run("import", str(plan), tmp_path=tmp_path, db="mysql://nowhere/db")
    assert code == 2 and "Unsupported database" in err


def test_demo_then_items_list_shows_items_with_owners_units_due_dates_and_statuses(
    tmp_path: Path, database_url: str
) -> None:
    code, out, _ = run("demo", tmp_path=tmp_path, db=database_url)
    assert code == 0 and "Demo plan" in out
    code, out, _ = run("items", "list", tmp_path=tmp_path, db=database_url)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["due", "status", "light", "owner", "lead", "unit", "title"]
    assert lines[-1] == "41 items"
    statuses = {line.split()[1] for line in lines[1:-1]}
    assert {"todo", "doing", "done"} <= statuses
    assert any("总支书记" in line and "教师党支部" in line for line in lines)
    code, out, _ = run("demo", tmp_path=tmp_path, db=database_url)
    assert code == 0 and "already loaded" in out
    code, out, _ = run(
        "items",
        "list",
        "--status",
        "done",
        "--owner",
        "secretary",
        tmp_path=tmp_path,
        db=database_url,
    )
    rows = out.splitlines()[1:-1]
    assert rows and all(" done " in r and "总支书记" in r for r in rows)
