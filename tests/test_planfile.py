"""Tests for the plan-file parser (tracker.planfile)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.planfile import (
    PlanFileError,
    Problem,
    parse_plan_file,
    shift_dates,
)

BASE = """\
plan:
  key: p
  title: 计划
  starts: 2012-03-20
  ends: 2012-12-31
  goals:
    - {key: G1, title: 目标一}
  phases:
    - {key: P1, title: 阶段一, starts: 2012-03-20, ends: 2012-06-30}
units:
  - {key: u1, name: 单位一}
  - {key: u2, name: 单位二}
people:
  - {key: boss, name: 书记, role: group_leader, liaison: [u1]}
  - {key: m, name: 委员}
items:
  - {key: a, title: 工作甲, owner: boss, lead_unit: u1, due: 2012-05-01}
"""

DEMO = Path(__file__).resolve().parents[1] / "tracker" / "data" / "demo_plan.yaml"
ITEM = "  - {{{}}}\n"


def edit(old: str, new: str, text: str = BASE) -> str:
    """Replace the single occurrence of `old` in `text`."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def with_item(fields: str, text: str = BASE) -> str:
    """Append one flow-style item to the plan text."""
    return text + ITEM.format(fields)


def item(extra: str = "", key: str = "x", due: str = "2012-05-01") -> str:
    """Flow-mapping body for a valid item, with extra fields."""
    body = f"key: {key}, title: 工作{key}, owner: boss, lead_unit: u1, due: {due}"
    return f"{body}, {extra}" if extra else body


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line number of the nth line containing `needle`."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[nth - 1]


def problems(text: str | bytes) -> list[Problem]:
    with pytest.raises(PlanFileError) as info:
        parse_plan_file(text)
    assert info.value.problems
    return info.value.problems


def only_problem(text: str | bytes) -> Problem:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


# ── well-formed files ──────────────────────────────────────────────────────────


def test_minimal_plan_parses_into_specs_with_lines_and_defaults() -> None:
    pf = parse_plan_file(BASE)
    assert pf.plan.key == "p" and pf.plan.title == "计划" and pf.plan.line == 2
    assert (pf.plan.starts, pf.plan.ends) == (date(2012, 3, 20), date(2012, 12, 31))
    assert pf.plan.description == ""
    assert [(g.key, g.title, g.line) for g in pf.plan.goals] == [("G1", "目标一", 7)]
    phase = pf.plan.phases[0]
    assert (phase.key, phase.starts, phase.ends, phase.line) == (
        "P1", date(2012, 3, 20), date(2012, 6, 30), 9)
    assert [(u.key, u.line) for u in pf.units] == [("u1", 11), ("u2", 12)]
    assert [u.name for u in pf.units] == ["单位一", "单位二"]
    boss, member = pf.people
    assert (boss.role, boss.liaison, boss.line) == ("group_leader", ("u1",), 14)
    assert (member.role, member.liaison) == ("member", ())
    (a,) = pf.items
    assert (a.key, a.title, a.owner, a.lead_unit, a.due, a.line) == (
        "a", "工作甲", "boss", "u1", date(2012, 5, 1), 17)
    assert (a.units, a.phase, a.goal, a.parent, a.report_every_days) == ((), None, None, None, None)
    assert (a.deliverable, a.description) == ("", "")


def test_all_optional_item_fields_are_read() -> None:
    text = with_item("key: full, title: 全, owner: m, lead_unit: u1, units: [u2], due: 2012-04-01, "
                     "phase: P1, goal: G1, deliverable: 纪要, description: 说明, parent: a, "
                     "report_every_days: 30")
    full = parse_plan_file(text).items[1]
    assert (full.units, full.phase, full.goal, full.deliverable, full.description) == (
        ("u2",), "P1", "G1", "纪要", "说明")
    assert (full.parent, full.report_every_days, full.line) == ("a", 30, 18)


def test_top_level_lists_are_optional() -> None:
    pf = parse_plan_file("plan: {key: p, title: t, starts: 2012-01-01, ends: 2012-01-31}\n")
    assert (pf.units, pf.people, pf.items) == ((), (), ())


def test_item_without_key_takes_its_key_from_plan_key_and_title() -> None:
    pf = parse_plan_file(with_item("title: 召开大会, owner: boss, lead_unit: u1, due: 2012-04-01"))
    assert pf.items[1].key == "p:召开大会"


def test_integer_keys_are_accepted_and_converted_to_strings() -> None:
    text = edit("{key: u2,", "{key: 2,").replace("key: a,", "key: 7,")
    pf = parse_plan_file(with_item("key: 8, title: t, owner: boss, lead_unit: 2, due: 2012-04-01, "
                                   "parent: 7", text))
    assert pf.units[1].key == "2"
    assert [(i.key, i.lead_unit, i.parent) for i in pf.items] == [
        ("7", "u1", None), ("8", "2", "7")]


def test_whitespace_at_the_ends_of_strings_is_stripped() -> None:
    text = edit("title: 计划", "title: '  计划 \t'")
    text = with_item(item("deliverable: '  纪要  ', description: \"\\n说明\\n\"", key="' b '"),
                     text)
    pf = parse_plan_file(text)
    assert pf.plan.title == "计划"
    b = pf.items[1]
    assert (b.key, b.deliverable, b.description) == ("b", "纪要", "说明")


def test_json_plan_file_parses_like_the_yaml_one() -> None:
    data = {
        "plan": {"key": "p", "title": "计划", "starts": "2012-03-20", "ends": "2012-12-31",
                 "goals": [{"key": "G1", "title": "目标一"}]},
        "units": [{"key": "u1", "name": "单位一"}],
        "people": [{"key": "boss", "name": "书记", "role": "group_leader", "liaison": ["u1"]}],
        "items": [{"key": "a", "title": "工作甲", "owner": "boss", "lead_unit": "u1",
                   "due": "2012-05-01", "goal": "G1", "report_every_days": 30}],
    }
    for text in (json.dumps(data, ensure_ascii=False, indent=2), json.dumps(data)):
        pf = parse_plan_file(text)
        assert pf.plan.title == "计划" and pf.items[0].due == date(2012, 5, 1)
        assert pf.items[0].report_every_days == 30
    text = json.dumps(data, indent=2)
    assert parse_plan_file(text).items[0].line == line_of(text, '"items"') + 1


def test_tab_indented_json_parses() -> None:
    text = json.dumps({"plan": {"key": "p", "title": "t", "starts": "2012-01-01",
                                "ends": "2012-02-01"}}, indent="\t")
    assert "\t" in text
    assert parse_plan_file(text).plan.ends == date(2012, 2, 1)


def test_json_escaped_character_beyond_the_basic_plane_is_decoded() -> None:
    text = json.dumps({"plan": {"key": "p", "title": "计划😀", "starts": "2012-01-01",
                                "ends": "2012-02-01"}})
    assert "\\ud83d\\ude00" in text
    assert parse_plan_file(text).plan.title == "计划😀"


def test_lone_surrogate_escape_is_reported() -> None:
    text = ('{"plan": {"key": "p", "title": "x\\ud83d", "starts": "2012-01-01", '
            '"ends": "2012-02-01"}}')
    assert "invalid Unicode" in only_problem(text).message


def test_utf8_bytes_parse_and_a_byte_order_mark_is_ignored() -> None:
    assert parse_plan_file(BASE.encode()).plan.title == "计划"
    assert parse_plan_file(b"\xef\xbb\xbf" + BASE.encode()).plan.title == "计划"


def test_dates_are_read_from_the_text_and_quoted_dates_are_accepted() -> None:
    text = edit("starts: 2012-03-20\n", "starts: '2012-03-20'\n")
    text = edit("due: 2012-05-01", 'due: "2012-05-01"', text)
    pf = parse_plan_file(text)
    assert pf.plan.starts == date(2012, 3, 20) and pf.items[0].due == date(2012, 5, 1)
    assert type(pf.plan.starts) is date


def test_role_defaults_to_member_and_accepts_the_three_roles() -> None:
    text = edit("{key: m, name: 委员}", "{key: m, name: 委员, role: deputy}")
    assert parse_plan_file(text).people[1].role == "deputy"
    assert parse_plan_file(BASE).people[1].role == "member"


def test_title_of_exactly_500_characters_is_accepted() -> None:
    assert len(parse_plan_file(edit("title: 计划", "title: " + "字" * 500)).plan.title) == 500


def test_description_up_to_20000_characters_is_accepted() -> None:
    pf = parse_plan_file(with_item(item("description: " + "d" * 20_000)))
    assert len(pf.items[1].description) == 20_000


# ── unreadable files ───────────────────────────────────────────────────────────


def test_bytes_that_are_not_utf8_are_reported_on_line_1() -> None:
    problem = only_problem(BASE.encode("gbk"))
    assert problem.line == 1 and "UTF-8" in problem.message


def test_broken_yaml_is_one_problem_at_the_line_of_yamls_problem_mark() -> None:
    text = edit("  - {key: u2, name: 单位二}", "  - {key: u2, name: [单位二}")
    problem = only_problem(text)
    assert problem.line == line_of(text, "单位二") and "not valid YAML" in problem.message


def test_two_yaml_documents_are_reported() -> None:
    assert only_problem(BASE + "---\nplan: {}\n").line == BASE.count("\n") + 1


def test_raw_nul_byte_in_the_file_is_reported_with_its_line() -> None:
    text = edit("title: 计划", "title: 计\x00划")
    problem = only_problem(text)
    assert (problem.line, problem.message) == (3, "the file contains a NUL character")


@pytest.mark.parametrize("text", ["", "# just a comment\n", "null\n"])
def test_empty_file_is_a_problem(text: str) -> None:
    assert only_problem(text).line == 1


def test_deeply_nested_input_is_a_problem_not_a_crash() -> None:
    assert only_problem("[" * 20_000 + "]" * 20_000).line == 1


def test_yaml_tags_are_never_constructed() -> None:
    text = edit("title: 计划", "title: !!python/object/apply:os.system ['exit 1']")
    assert "must be a string" in only_problem(text).message


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", "42\n"])
def test_top_level_that_is_not_a_mapping_is_reported(text: str) -> None:
    assert "the plan file must be a mapping" in only_problem(text).message


# ── structure ──────────────────────────────────────────────────────────────────


def test_missing_plan_is_reported() -> None:
    problem = only_problem("units: []\n")
    assert problem == Problem(1, "the plan file is missing required field 'plan'")


def test_unknown_fields_are_reported_at_every_level_with_their_lines() -> None:
    text = edit("  key: p\n", "  key: p\n  owner: x\n")
    text = edit("{key: G1,", "{key: G1, weight: 2,", text)
    text = edit("{key: P1,", "{key: P1, colour: red,", text)
    text = edit("{key: u1,", "{key: u1, size: 3,", text)
    text = edit("{key: m,", "{key: m, phone: 1,", text)
    text = edit("{key: a,", "{key: a, status: done,", text)
    text += "extra: 1\n"
    found = {(p.line, p.message.split(" in ")[0]) for p in problems(text)}
    assert found == {
        (line_of(text, "owner: x"), "unknown field 'owner'"),
        (line_of(text, "weight"), "unknown field 'weight'"),
        (line_of(text, "colour"), "unknown field 'colour'"),
        (line_of(text, "size"), "unknown field 'size'"),
        (line_of(text, "phone"), "unknown field 'phone'"),
        (line_of(text, "status"), "unknown field 'status'"),
        (line_of(text, "extra"), "unknown field 'extra'"),
    }


@pytest.mark.parametrize(("old", "new", "field"), [
    ("  key: p\n", "", "key"),
    ("  title: 计划\n", "", "title"),
    ("  starts: 2012-03-20\n", "", "starts"),
    ("  ends: 2012-12-31\n", "", "ends"),
    ("{key: G1, title: 目标一}", "{key: G1}", "title"),
    ("{key: P1, title: 阶段一, starts: 2012-03-20,", "{key: P1, title: 阶段一,", "starts"),
    ("{key: u1, name: 单位一}", "{key: u1}", "name"),
    ("{key: m, name: 委员}", "{name: 委员}", "key"),
    ("lead_unit: u1, due: 2012-05-01", "due: 2012-05-01", "lead_unit"),
    ("lead_unit: u1, due: 2012-05-01", "lead_unit: u1", "due"),
    ("{key: a, title: 工作甲,", "{key: a,", "title"),
    ("{key: a, title: 工作甲,", "{key: a, title: ,", "title"),
])
def test_missing_required_fields_are_reported(old: str, new: str, field: str) -> None:
    text = edit(old, new)
    assert any(p.message.endswith(f"missing required field '{field}'") for p in problems(text))


def test_duplicate_field_in_one_mapping_is_reported() -> None:
    text = edit("  title: 计划\n", "  title: 计划\n  title: 又一个\n")
    assert only_problem(text) == Problem(4, "duplicate field 'title' in plan")


@pytest.mark.parametrize(("old", "new", "what"), [
    ("goals: 3", None, "goal"),
    ("  - {key: u2, name: 单位二}", "  - just a unit", "unit"),
    ("  - {key: m, name: 委员}", "  - [m, 委员]", "person"),
    ("    - {key: P1,", "    - 5\n    - {key: P1,", "phase"),
])
def test_entries_that_are_not_mappings_are_reported(old: str, new: str | None, what: str) -> None:
    if new is None:
        text = BASE.replace("  goals:\n    - {key: G1, title: 目标一}\n", "  goals:\n    - 3\n")
    else:
        text = edit(old, new)
    assert any(p.message.startswith(f"{what} must be a mapping") for p in problems(text))


def test_plan_that_is_a_list_and_items_that_are_a_mapping_are_reported() -> None:
    found = problems("plan: [1, 2]\nitems: {a: 1}\n")
    assert [p.message for p in found] == [
        "plan must be a mapping, not a list", "field 'items' must be a list, not a mapping"]


def test_field_names_that_are_not_words_are_reported() -> None:
    assert "field names" in only_problem(BASE + "? [a, b]\n: 1\n").message


# ── values ─────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("bad", ["2012-02-30", "March 1", "20120320", "'20120320'",
                                 "2012-03-20 10:00:00", "2012-W12-1", "[2012-03-20]", "true"])
def test_bad_dates_are_reported_with_their_line(bad: str) -> None:
    text = edit("due: 2012-05-01", f"due: {bad}")
    problem = only_problem(text)
    assert problem.line == 17 and "field 'due'" in problem.message and "date" in problem.message


def test_plan_that_starts_after_it_ends_is_reported() -> None:
    text = edit("starts: 2012-03-20\n", "starts: 2013-01-01\n")
    assert Problem(4, "the plan starts (2013-01-01) after it ends (2012-12-31)") in problems(text)


def test_phase_window_that_is_reversed_is_reported() -> None:
    text = edit("starts: 2012-03-20, ends: 2012-06-30", "starts: 2012-06-30, ends: 2012-03-20")
    problem = only_problem(text)
    assert problem.line == 9 and "phase 'P1' starts (2012-06-30) after it ends" in problem.message


@pytest.mark.parametrize("window", ["starts: 2012-03-19, ends: 2012-06-30",
                                    "starts: 2012-03-20, ends: 2013-01-01"])
def test_phase_outside_the_plan_period_is_reported(window: str) -> None:
    problem = only_problem(edit("starts: 2012-03-20, ends: 2012-06-30", window))
    assert problem.line == 9 and "outside the plan period" in problem.message


@pytest.mark.parametrize("due", ["2012-03-19", "2013-01-01"])
def test_item_due_outside_the_plan_period_is_reported_with_its_line(due: str) -> None:
    text = with_item(item(key="late", due=due))
    assert only_problem(text) == Problem(
        18, f"due date {due} is outside the plan period (2012-03-20 to 2012-12-31)")


@pytest.mark.parametrize("due", ["2012-03-20", "2012-12-31"])
def test_item_due_on_the_first_or_last_day_of_the_plan_is_accepted(due: str) -> None:
    assert parse_plan_file(with_item(item(due=due))).items[1].due == date.fromisoformat(due)


@pytest.mark.parametrize(("old", "new", "label"), [
    ("    - {key: G1, title: 目标一}\n",
     "    - {key: G1, title: 目标一}\n    - {key: G1, title: 二}\n", "goal key 'G1'"),
    ("    - {key: P1, title: 阶段一, starts: 2012-03-20, ends: 2012-06-30}\n",
     "    - {key: P1, title: 阶段一, starts: 2012-03-20, ends: 2012-06-30}\n"
     "    - {key: P1, title: 二, starts: 2012-03-20, ends: 2012-06-30}\n", "phase key 'P1'"),
    ("{key: u2,", "{key: u1,", "unit key 'u1'"),
    ("{key: m,", "{key: boss,", "person key 'boss'"),
])
def test_duplicate_keys_are_reported_with_the_first_line(old: str, new: str, label: str) -> None:
    text = edit(old, new)
    problem = only_problem(text)
    assert problem.message.startswith(f"duplicate {label} (first on line ")


def test_duplicate_item_keys_are_reported() -> None:
    assert only_problem(with_item(item(key="a"))) == Problem(
        18, "duplicate item key 'a' (first on line 17)")


def test_two_keyless_items_with_the_same_title_are_duplicates() -> None:
    fields = "title: 开会, owner: boss, lead_unit: u1, due: 2012-04-01"
    problem = only_problem(with_item(fields, with_item(fields)))
    assert problem.line == 19 and "duplicate item title '开会'" in problem.message


@pytest.mark.parametrize(("fields", "message"), [
    (item().replace("owner: boss", "owner: nobody"),
     "field 'owner' refers to unknown person 'nobody'"),
    (item().replace("lead_unit: u1", "lead_unit: u9"),
     "field 'lead_unit' refers to unknown unit 'u9'"),
    (item("units: [u2, u9]"), "field 'units' refers to unknown unit 'u9'"),
    (item("phase: P9"), "field 'phase' refers to unknown phase 'P9'"),
    (item("goal: G9"), "field 'goal' refers to unknown goal 'G9'"),
    (item("parent: zz"), "field 'parent' refers to unknown item 'zz'"),
])
def test_dangling_item_references_are_reported(fields: str, message: str) -> None:
    assert only_problem(with_item(fields)) == Problem(18, message)


def test_dangling_person_liaison_is_reported() -> None:
    text = edit("liaison: [u1]", "liaison: [u1, u7]")
    assert only_problem(text) == Problem(14, "field 'liaison' refers to unknown unit 'u7'")


def test_unit_listed_twice_and_lead_unit_among_supporting_units_are_reported() -> None:
    found = [p.message for p in problems(with_item(item("units: [u2, u2, u1]")))]
    assert found == ["unit 'u2' is listed twice in field 'units'",
                     "lead unit 'u1' is also listed in field 'units'"]


def test_unknown_role_is_reported() -> None:
    problem = only_problem(edit("role: group_leader", "role: boss"))
    assert problem.line == 14 and problem.message.startswith("field 'role' must be one of")


@pytest.mark.parametrize("title", ["''", "'   '", '"\\t\\n"'])
def test_empty_or_whitespace_only_title_is_reported(title: str) -> None:
    problem = only_problem(edit("{key: a, title: 工作甲,", f"{{key: a, title: {title},"))
    assert problem == Problem(17, "field 'title' must not be empty")


def test_empty_name_and_key_are_reported() -> None:
    found = problems(edit("{key: u2, name: 单位二}", "{key: ' ', name: ''}"))
    assert [p.message for p in found] == ["field 'key' must not be empty",
                                          "field 'name' must not be empty"]


@pytest.mark.parametrize(("old", "new"), [
    ("title: 计划", "title: " + "字" * 501),
    ("name: 单位一", "name: " + "n" * 501),
    ("{key: a, title: 工作甲,", "{key: a, title: " + "t" * 501 + ","),
])
def test_titles_and_names_longer_than_500_characters_are_reported(old: str, new: str) -> None:
    assert "longer than 500 characters (501)" in only_problem(edit(old, new)).message


@pytest.mark.parametrize("field", ["description", "deliverable"])
def test_long_text_over_20000_characters_is_reported(field: str) -> None:
    problem = only_problem(with_item(item(f"{field}: " + "d" * 20_001)))
    assert problem.message == f"field '{field}' is longer than 20000 characters (20001)"


def test_escaped_nul_character_in_text_is_reported() -> None:
    problem = only_problem(with_item(item('deliverable: "纪\\0要"')))
    assert problem == Problem(18, "field 'deliverable' contains a NUL character")


@pytest.mark.parametrize("value", ["0", "367", "-1", "1.5", "'30'", "true", "[30]", "0x1e"])
def test_report_every_days_outside_1_to_366_or_not_a_whole_number_is_reported(value: str) -> None:
    problem = only_problem(with_item(item(f"report_every_days: {value}")))
    assert problem.line == 18 and "report_every_days" in problem.message


@pytest.mark.parametrize("value", [1, 366])
def test_report_every_days_bounds_are_accepted(value: int) -> None:
    text = with_item(item(f"report_every_days: {value}"))
    assert parse_plan_file(text).items[1].report_every_days == value


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("title: 计划", "title: [a, b]", "field 'title' must be a string, not a list"),
    ("title: 计划", "title: true", "field 'title' must be a string, not true/false ('true')"),
    ("title: 计划", "title: 2012", "field 'title' must be a string, not a number ('2012')"),
    ("name: 单位一", "name: {a: 1}", "field 'name' must be a string, not a mapping"),
    ("key: p\n", "key: 1.5\n",
     "field 'key' must be a string or whole number, not a number ('1.5')"),
    ("owner: boss", "owner: [boss]", "field 'owner' must be a string or whole number, not a list"),
    ("liaison: [u1]", "liaison: u1", "field 'liaison' must be a list, not a string ('u1')"),
    ("role: group_leader", "role: [deputy]", "field 'role' must be a string, not a list"),
])
def test_wrong_types_are_reported(old: str, new: str, expected: str) -> None:
    assert only_problem(edit(old, new)).message == expected


def test_units_given_as_a_string_is_reported() -> None:
    problem = only_problem(with_item(item("units: u2")))
    assert problem.message == "field 'units' must be a list, not a string ('u2')"


def test_every_problem_is_collected_and_sorted_by_line() -> None:
    text = edit("ends: 2012-12-31", "ends: 2012-13-01")
    text = edit("{key: u2, name: 单位二}", "{key: u2, name: ''}", text)
    text = with_item(item("goal: G7", key="b"), text)
    text = with_item("title: 无主, lead_unit: u1, due: 2012-04-01", text)
    found = problems(text)
    assert [p.line for p in found] == [5, 12, 18, 19]
    assert len({p.message for p in found}) == 4


def test_error_text_lists_every_problem_as_line_n_one_per_line() -> None:
    text = edit("{key: u2, name: 单位二}", "{key: u2, name: ''}")
    text = with_item(item("goal: G7", key="b"), text)
    error = pytest.raises(PlanFileError, parse_plan_file, text).value
    assert isinstance(error, ValueError)
    assert str(error) == ("line 12: field 'name' must not be empty\n"
                          "line 18: field 'goal' refers to unknown goal 'G7'")


# ── recurring items ────────────────────────────────────────────────────────────


def test_every_six_months_over_the_seed_period_gives_exactly_two_items() -> None:
    fields = item("every: 6 months, units: [u2], phase: P1", key="training", due="2012-06-30")
    text = with_item(fields)
    pf = parse_plan_file(text)
    copies = [i for i in pf.items if i.key.startswith("training")]
    assert [(i.key, i.title, i.due) for i in copies] == [
        ("training#1", "工作training（2012-03-20—2012-09-19）", date(2012, 6, 30)),
        ("training#2", "工作training（2012-09-20—2012-12-31）", date(2012, 12, 30)),
    ]
    assert all(i.units == ("u2",) and i.phase == "P1" and i.line == 18 for i in copies)


def test_monthly_copies_shift_the_due_date_and_clamp_it_to_the_period_end() -> None:
    text = edit("starts: 2012-03-20\n", "starts: 2012-01-01\n")
    text = edit("ends: 2012-12-31", "ends: 2012-04-15", text)
    text = edit("{key: P1, title: 阶段一, starts: 2012-03-20, ends: 2012-06-30}",
                "{key: P1, title: 阶段一, starts: 2012-01-01, ends: 2012-04-15}", text)
    text = edit("due: 2012-05-01", "due: 2012-03-01", text)
    pf = parse_plan_file(with_item(item("every: 1 month", key="m", due="2012-01-31"), text))
    copies = [(i.key, i.title[-23:], i.due) for i in pf.items[1:]]
    assert copies == [
        ("m#1", "（2012-01-01—2012-01-31）", date(2012, 1, 31)),
        ("m#2", "（2012-02-01—2012-02-29）", date(2012, 2, 29)),
        ("m#3", "（2012-03-01—2012-03-31）", date(2012, 3, 31)),
        ("m#4", "（2012-04-01—2012-04-15）", date(2012, 4, 15)),
    ]


def test_due_later_than_the_first_period_is_clamped_to_its_end() -> None:
    pf = parse_plan_file(with_item(item("every: 6 months", key="t", due="2012-12-01")))
    assert [i.due for i in pf.items[1:]] == [date(2012, 9, 19), date(2012, 12, 31)]


@pytest.mark.parametrize(("every", "count"), [
    ("1 month", 10), ("1 months", 10), ("3 months", 4), ("6 month", 2), ("2 weeks", 21),
    ("1 week", 41), ("1 year", 1), ("2 years", 1), ("1 Month", 10), ("30 days", 10),
    ("每半年", 2), ("每季度", 4),
])
def test_every_accepts_singular_and_plural_periods(every: str, count: int) -> None:
    pf = parse_plan_file(with_item(item(f"every: '{every}'", key="r")))
    assert len(pf.items) == 1 + count and pf.items[-1].key == f"r#{count}"


def test_keyless_recurring_item_numbers_its_generated_key() -> None:
    fields = "title: 培训, owner: boss, lead_unit: u1, due: 2012-04-01, every: 6 months"
    assert [i.key for i in parse_plan_file(with_item(fields)).items[1:]] == ["p:培训#1", "p:培训#2"]


@pytest.mark.parametrize("every", ["fortnightly", "0 months", "3", "6 months later", "[1 month]"])
def test_bad_every_is_reported(every: str) -> None:
    problem = only_problem(with_item(item(f"every: {every}")))
    assert problem.line == 18 and "field 'every'" in problem.message


def test_every_that_would_make_too_many_copies_is_reported() -> None:
    text = edit("ends: 2012-12-31", "ends: 2014-12-31")
    assert "more than 400 copies" in only_problem(with_item(item("every: 1 day"), text)).message


def test_parent_pointing_at_a_recurring_item_is_reported() -> None:
    text = with_item(item("parent: training", key="child"),
                     with_item(item("every: 6 months", key="training")))
    problem = only_problem(text)
    assert problem.line == 19 and problem.message.startswith("parent cannot be a recurring item")


def test_parent_pointing_at_one_copy_of_a_recurring_item_is_accepted() -> None:
    text = with_item(item("parent: training#2", key="child"),
                     with_item(item("every: 6 months", key="training")))
    assert parse_plan_file(text).items[-1].parent == "training#2"


def test_item_key_that_collides_with_a_recurring_copy_is_reported() -> None:
    text = with_item(item(key="'training#1'"), with_item(item("every: 6 months", key="training")))
    assert "duplicate item key 'training#1'" in only_problem(text).message


def test_parent_cycle_and_self_parent_are_reported() -> None:
    text = with_item(item("parent: c2", key="c1"), with_item(item("parent: c1", key="c2")))
    text = with_item(item("parent: me", key="me"), text)
    found = problems(text)
    assert [p.line for p in found] == [18, 19, 20]
    assert all("form a cycle" in p.message for p in found)


def test_parent_chain_without_a_cycle_is_accepted() -> None:
    text = with_item(item("parent: b", key="c"), with_item(item("parent: a", key="b")))
    assert [i.parent for i in parse_plan_file(text).items] == [None, "a", "b"]


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(BASE)), st.integers(0, 3), st.text(max_size=4))
def test_any_edit_of_a_valid_file_gives_a_plan_or_a_plan_file_error(
        at: int, cut: int, insert: str) -> None:
    text = BASE[:at] + insert + BASE[at + cut:]
    try:
        parse_plan_file(text)
    except PlanFileError as error:
        assert error.problems
        assert all(1 <= p.line <= text.count("\n") + 2 for p in error.problems)


# ── shift_dates ────────────────────────────────────────────────────────────────


def test_shift_dates_moves_every_date_and_the_period_in_copy_titles() -> None:
    text = with_item(item("every: 6 months", key="t", due="2012-06-30"))
    text = with_item("key: plain, title: 会（2012-01-01—2012-01-02）, owner: boss, lead_unit: u1, "
                     "due: 2012-04-01", text)
    pf = parse_plan_file(text)
    moved = shift_dates(pf, 10)
    assert (moved.plan.starts, moved.plan.ends) == (date(2012, 3, 30), date(2013, 1, 10))
    assert (moved.plan.phases[0].starts, moved.plan.phases[0].ends) == (
        date(2012, 3, 30), date(2012, 7, 10))
    assert [i.due for i in moved.items] == [date(2012, 5, 11), date(2012, 7, 10),
                                            date(2013, 1, 9), date(2012, 4, 11)]
    assert moved.items[1].title == "工作t（2012-03-30—2012-09-29）"
    assert moved.items[3].title == "会（2012-01-01—2012-01-02）"
    assert shift_dates(moved, -10) == pf


# ── the demo plan ──────────────────────────────────────────────────────────────


def test_demo_plan_parses_with_every_goal_phase_unit_and_person() -> None:
    text = DEMO.read_bytes()
    assert text.lstrip().startswith(b"#")
    pf = parse_plan_file(text)
    assert (pf.plan.key, pf.plan.title) == ("ogy", "基层组织建设年活动")
    assert (pf.plan.starts, pf.plan.ends) == (date(2012, 3, 20), date(2012, 12, 31))
    assert len(pf.items) >= 20
    assert [g.key for g in pf.plan.goals] == ["G1", "G2", "G3", "G4", "G5"]
    assert [p.title for p in pf.plan.phases] == ["动员部署", "调查研究", "深入实施", "总结考评"]
    assert {u.key for u in pf.units} == {"teachers", "graduates", "students"}
    assert len(pf.people) == 7
    assert [i.key for i in pf.items if i.key.startswith("training")] == ["training#1", "training#2"]
    assert {i.owner for i in pf.items} == {p.key for p in pf.people}
    assert {i.lead_unit for i in pf.items} == {u.key for u in pf.units}
    assert sum(1 for i in pf.items if i.parent) >= 2
    assert all(i.goal and i.phase and i.deliverable for i in pf.items)


def test_demo_plan_is_also_plain_yaml() -> None:
    data = yaml.safe_load(DEMO.read_text("utf-8"))
    assert data["plan"]["key"] == "ogy"
