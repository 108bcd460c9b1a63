"""The extended plan-file format (issue 17) and the directory and id rules (issue 14 items 6
and 7): existing files keep their ids; per-unit monthly duties; ordinary members; refused
renames; repeated titles."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from webfixtures import SEED_PLAN

from tracker.application import TrackerApplication
from tracker.cli import main
from tracker.demo import demo_plan_text
from tracker.domain import item_id
from tracker.importer import import_plan, preview_import
from tracker.permissions import SYSTEM, Actor
from tracker.planfile import PlanFileError, parse_plan_file

FIXTURE = Path(__file__).parent / "fixtures" / "plan_item_ids_v1.json"

CITY = """\
plan:
  key: city2026
  title: 2026年重点工作任务分解
  organisation: 某市人民政府办公室
  starts: 2026-01-01
  ends: 2026-12-31
  goals:
    - {key: G1, title: 营商环境持续优化, leader: vmayor}
units:
  - {key: gov, name: 市政府办公室}
  - {key: dev, name: 市发展改革委, contact: dev_staff, parent: gov}
  - {key: fin, name: 市财政局, contact: fin_staff, parent: gov}
people:
  - {key: mayor, name: 张市长, role: group_leader}
  - {key: vmayor, name: 李副市长, role: deputy, liaison: [dev]}
  - {key: dev_staff, name: 王科长, role: none, unit: dev}
  - {key: fin_staff, name: 赵科长, role: none, unit: fin}
  - {key: clerk, name: 孙干事, role: none, unit: fin}
items:
  - {key: t1, title: 优化营商环境, leaders: [vmayor], lead_units: [dev, fin], due: 2026-06-30,
     goal: G1, deliverable: 实施方案,
     milestones: [{title: 形成初稿, due: 2026-03-31}, {title: 印发实施, due: 2026-06-30}]}
  - {key: monthly, title: 报送上月进展, lead_units: [dev, fin], every: 1 month, due_day: 5,
     for_each: lead_units}
  - {title: 开展主题党日活动, owner: dev_staff, lead_unit: dev, due: 2026-03-31}
  - {title: 开展主题党日活动, owner: fin_staff, lead_unit: fin, due: 2026-03-31}
"""


def test_existing_plan_files_parse_to_the_same_item_ids_as_before() -> None:
    expected = json.loads(FIXTURE.read_text("utf-8"))
    for name, text in (("demo", demo_plan_text()), ("seed", SEED_PLAN)):
        pf = parse_plan_file(text)
        found = [[it.key, str(item_id(pf.plan.key, it.key)), it.title] for it in pf.items]
        assert found == expected[name], name


def test_the_demo_plan_imports_to_the_same_ids_as_before(app: TrackerApplication) -> None:
    pf = parse_plan_file(demo_plan_text())
    import_plan(app, pf, SYSTEM)
    for key, uid, title in json.loads(FIXTURE.read_text("utf-8"))["demo"]:
        item = app.get_item(uid)
        assert (item.key, item.title) == (key, title)


def test_a_monthly_per_unit_duty_is_one_item_per_unit_per_month_owned_by_its_contact() -> None:
    pf = parse_plan_file(CITY)
    duties = [i for i in pf.items if i.key.startswith("monthly@")]
    assert len(duties) == 24
    dev = [i for i in duties if i.lead_unit == "dev"]
    assert {i.owner for i in dev} == {"dev_staff"}
    assert {i.owner for i in duties if i.lead_unit == "fin"} == {"fin_staff"}
    assert dev[0].title == "报送上月进展（2026年1月）" and dev[0].due == date(2026, 2, 5)
    assert dev[9].title == "报送上月进展（2026年10月）" and dev[9].due == date(2026, 11, 5)
    assert dev[11].due == date(2026, 12, 31)  # December's report falls after the plan: its end


def test_quarters_and_halves_are_named_in_the_plans_language() -> None:
    zh = CITY.replace("every: 1 month", "every: 3 months")
    titles = [i.title for i in parse_plan_file(zh).items if i.key.startswith("monthly@dev")]
    assert titles[2] == "报送上月进展（2026年第3季度）"
    en = (CITY.replace("title: 2026年重点工作任务分解", "title: Key tasks 2026")
          .replace("every: 1 month", "every: 6 months").replace("报送上月进展", "Report"))
    titles = [i.title for i in parse_plan_file(en).items if i.key.startswith("monthly@dev")]
    assert titles == ["Report (H1 2026)", "Report (H2 2026)"]
    octo = [i.title for i in parse_plan_file(en.replace("every: 6 months", "every: 1 month"))
            .items if i.key.startswith("monthly@dev")]
    assert octo[9] == "Report (October 2026)"


def test_leaders_co_leads_organisation_goal_leader_and_unit_tree_are_read() -> None:
    pf = parse_plan_file(CITY)
    assert pf.plan.organisation == "某市人民政府办公室"
    assert pf.plan.goals[0].leader == "vmayor"
    assert {(u.key, u.contact, u.parent) for u in pf.units} >= {("dev", "dev_staff", "gov")}
    t1 = pf.items[0]
    assert (t1.leaders, t1.lead_unit, t1.co_leads, t1.owner) == (
        ("vmayor",), "dev", ("fin",), "dev_staff")
    assert [p.role for p in pf.people].count("none") == 3


def test_repeated_titles_take_their_lead_unit_and_unique_titles_keep_their_key() -> None:
    pf = parse_plan_file(CITY)
    keys = [i.key for i in pf.items if i.title == "开展主题党日活动"]
    assert keys == ["city2026:开展主题党日活动@dev", "city2026:开展主题党日活动@fin"]
    twice = CITY.replace("lead_unit: fin, due: 2026-03-31", "lead_unit: dev, due: 2026-03-31")
    with pytest.raises(PlanFileError) as info:
        parse_plan_file(twice.replace("owner: fin_staff, lead_unit: dev", "lead_unit: dev"))
    assert "duplicate item title '开展主题党日活动'" in str(info.value)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("contact: dev_staff, parent: gov", "contact: ghost, parent: gov",
     "field 'contact' refers to unknown person 'ghost'"),
    ("contact: fin_staff, parent: gov", "contact: fin_staff, parent: nowhere",
     "field 'parent' refers to unknown unit 'nowhere'"),
    ("{key: gov, name: 市政府办公室}", "{key: gov, name: 市政府办公室, parent: fin}",
     "unit 'fin' is its own ancestor"),
    ("every: 1 month, due_day: 5", "every: 1 week, due_day: 5", "needs 'every' in months"),
    ("due_day: 5", "due_day: 32", "field 'due_day' must be from 1 to 31"),
    ("for_each: lead_units", "for_each: units", "field 'for_each' can only be lead_units"),
    ("role: none, unit: fin}", "role: none, unit: fin, liaison: [nope]}",
     "field 'liaison' refers to unknown unit 'nope'"),
])
def test_bad_extended_fields_are_reported_with_their_line(old: str, new: str,
                                                          message: str) -> None:
    with pytest.raises(PlanFileError) as info:
        parse_plan_file(CITY.replace(old, new, 1))
    assert any(message in p.message for p in info.value.problems), info.value.problems


def test_a_per_unit_duty_for_a_unit_without_contact_is_reported() -> None:
    text = CITY.replace("[dev, fin], every", "[dev, gov], every")
    with pytest.raises(PlanFileError) as info:
        parse_plan_file(text)
    assert "lead unit 'gov' has no 'contact'" in str(info.value)


def test_the_extended_plan_imports_once(app: TrackerApplication) -> None:
    pf = parse_plan_file(CITY)
    first = import_plan(app, pf, SYSTEM)
    assert first.events > 30
    assert import_plan(app, pf, SYSTEM).events == 0
    duty = app.get_item("monthly@fin#10", "city2026")
    assert (duty.owner, duty.lead_unit, duty.title) == ("fin_staff", "fin",
                                                        "报送上月进展（2026年10月）")
    t1 = app.get_item("t1", "city2026")
    assert (t1.leaders, t1.lead_unit, t1.co_leads, t1.owner) == (["vmayor"], "dev", ["fin"],
                                                                 "dev_staff")
    assert [m["title"] for m in t1.milestones] == ["形成初稿", "印发实施"]
    assert app.get_unit("dev").parent == "gov" and app.get_unit("dev").contact == "dev_staff"
    assert app.get_person("clerk").unit == "fin" and app.get_person("clerk").role == "none"
    assert app.get_plan("city2026").organisation == "某市人民政府办公室"
    assert app.get_plan("city2026").goal_leaders == {"G1": "vmayor"}
    same = [app.get_item(k, "city2026") for k in ("city2026:开展主题党日活动@dev",
                                                   "city2026:开展主题党日活动@fin")]
    assert [i.lead_unit for i in same] == ["dev", "fin"]


def test_a_person_outside_the_leadership_group_can_be_nominated(app: TrackerApplication) -> None:
    import_plan(app, parse_plan_file(CITY), SYSTEM)
    app.nominate(Actor("mayor", "leader", "mayor"), "city2026", kind="person", key="clerk",
                 reason="优秀党员：长期扎根基层")
    assert app.get_plan("city2026").is_nominated("person", "clerk")


SECOND = """\
plan: {key: other, title: 另一方案, starts: 2026-01-01, ends: 2026-12-31}
units: [{key: dev, name: 市发展改革委}]
people:
  - {key: mayor, name: 张市长, role: group_leader}
  - {key: dev_staff, name: 王处长, role: none}
items:
  - {title: 一件事, owner: dev_staff, lead_unit: dev, due: 2026-05-01}
"""


def test_a_second_plan_renaming_a_person_is_refused_naming_line_old_and_new(
        app: TrackerApplication) -> None:
    import_plan(app, parse_plan_file(CITY), SYSTEM)
    head = app.recorder.max_notification_id()
    with pytest.raises(PlanFileError) as info:
        import_plan(app, parse_plan_file(SECOND), SYSTEM)
    (problem,) = info.value.problems
    assert problem.line == 5 and "'王科长'" in problem.message and "'王处长'" in problem.message
    assert app.recorder.max_notification_id() == head
    assert app.get_person("dev_staff").name == "王科长"


def test_update_directory_records_the_rename_with_the_actor(app: TrackerApplication) -> None:
    import_plan(app, parse_plan_file(CITY), SYSTEM)
    admin = Actor("root", "admin")
    preview = preview_import(app, parse_plan_file(SECOND), admin, update_directory=True)
    assert [i.title for i in preview.new_items] == ["一件事"] and not preview.new_people
    import_plan(app, parse_plan_file(SECOND), admin, update_directory=True)
    person = app.get_person("dev_staff")
    assert person.name == "王处长"
    last = app.recorder.select_events(person.id, desc=True, limit=1)[0]
    assert last.topic.endswith("Person.Renamed")
    assert b'"root"' in last.state


def test_cli_refuses_a_renaming_plan_with_exit_2_and_the_line(tmp_path: Path,
                                                              database_url: str) -> None:
    first, second = tmp_path / "city.yaml", tmp_path / "second.yaml"
    first.write_text(CITY, encoding="utf-8")
    second.write_text(SECOND, encoding="utf-8")
    args = ["--instance", str(tmp_path / "i"), "--db", database_url, "import"]
    runner = CliRunner()
    assert runner.invoke(main, [*args, str(first)]).exit_code == 0
    refused = runner.invoke(main, [*args, str(second)])
    assert refused.exit_code == 2 and "line 5:" in refused.output and "王处长" in refused.output
    again = runner.invoke(main, [*args, str(second)])
    assert again.exit_code == 2
    updated = runner.invoke(main, [*args, "--update-directory", str(second)])
    assert updated.exit_code == 0, updated.output


def test_the_documented_examples_parse_and_import(app: TrackerApplication) -> None:
    text = (Path(__file__).parents[1] / "docs" / "plan-file.md").read_text("utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    assert len(blocks) == 2
    zh, en = (parse_plan_file(b) for b in blocks)
    assert sum(1 for i in zh.items if i.key.startswith("monthly@")) == 36
    assert [i.title for i in en.items if i.key.startswith("report@civ_eng")] == [
        "Quarterly research report (Q3 2026)", "Quarterly research report (Q4 2026)",
        "Quarterly research report (Q1 2027)", "Quarterly research report (Q2 2027)",
        "Quarterly research report (Q3 2027)"]
    for pf in (zh, en):
        assert import_plan(app, pf, SYSTEM).events > 0
