"""A plan's roles in the UI (the plan page's editor), in the plan file (``leadership:``), and
handovers (接手 / 移交) on the leader report, its person page and its papers; on SQLite and
PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import eventsourcing.domain
import openpyxl
import pytest
from boardfixtures import hx_post, iid, sign_in
from click.testing import CliRunner
from docx import Document as Docx
from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import api_token, bearer, seed, services_of

from tracker.application import TrackerApplication
from tracker.cli import main
from tracker.domain import plan_id
from tracker.domain.leadership import with_role
from tracker.errors import ValidationError
from tracker.importer import import_plan
from tracker.permissions import SYSTEM, Actor
from tracker.planfile import PlanFileError, parse_plan_file

OVERVIEW = "/plans/web"
EDIT = "/plans/web/leadership"


def roles_of(app: Flask) -> dict[str, str] | None:
    return services_of(app).tracker.leadership("web")


def version_of(app: Flask) -> int:
    return services_of(app).tracker.get_plan("web").version


def leadership_events(app: Flask) -> list[Any]:
    svc = services_of(app).tracker
    return [e for e in svc.repository.event_store.get(plan_id("web"))
            if type(e).__name__ == "LeadershipSet"]


def signed_in(app: Flask, who: str, lang: str = "zh-CN") -> tuple[FlaskClient, str]:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    return client, sign_in(client, who)


def change(client: FlaskClient, token: str, app: Flask, **form: Any) -> Any:
    form.setdefault("expected_version", version_of(app))
    return hx_post(client, EDIT, token, OVERVIEW, **form)


def test_everyone_sees_the_plans_roles_by_name_and_only_an_admin_gets_the_editor(
        seeded_app: Flask) -> None:
    member, _ = signed_in(seeded_app, "member")
    html = member.get(OVERVIEW).get_data(as_text=True)
    section = html[html.index('id="leadership"'):]
    assert "领导小组和督查室" in section
    assert re.search(r"组长</th>\s*<td>副组长</td>", section)  # chief (named 组长) is a deputy
    assert re.search(r"管理员</th>\s*<td>组长</td>", section)
    assert "director" not in section.split("<tbody>")[1].split("</tbody>")[0].replace(
        'data-person="director"', "")
    assert "<select" not in section and "<form" not in section
    admin, _ = signed_in(seeded_app, "admin")
    section = admin.get(OVERVIEW).get_data(as_text=True).split('id="leadership"')[1]
    assert section.count("<form") == 1 + len(roles_of(seeded_app) or {})
    assert "督查室" in section and 'id="leadership-person"' in section  # a picker: typed
    assert "输入名称的一部分" in section and "<option value=\"\">选择人员" not in section


def test_an_admin_adds_changes_and_removes_roles_recorded_as_their_events(
        seeded_app: Flask) -> None:
    client, token = signed_in(seeded_app, "admin")
    seeded = roles_of(seeded_app) or {}
    assert seeded["watcher"] == "member"  # the seed plan file names everyone
    first = change(client, token, seeded_app, person="watcher", role="member", remove="1")
    assert first.status_code == 200
    before = {k: r for k, r in seeded.items() if k != "watcher"}
    assert roles_of(seeded_app) == before
    added = change(client, token, seeded_app, person="watcher", role="office")
    assert added.status_code == 200
    assert 'id="leadership"' in added.get_data(as_text=True)
    assert "<html" not in added.get_data(as_text=True)  # the section, not the page
    assert roles_of(seeded_app) == {**before, "watcher": "office"}
    changed = change(client, token, seeded_app, person="watcher", role="deputy")
    assert changed.status_code == 200
    assert (roles_of(seeded_app) or {})["watcher"] == "deputy"
    removed = change(client, token, seeded_app, person="watcher", role="deputy", remove="1")
    assert removed.status_code == 200
    assert roles_of(seeded_app) == before
    events = leadership_events(seeded_app)[-4:]
    assert [e.actor for e in events] == ["director"] * 4
    assert [e.leadership.get("watcher") for e in events] == [None, "office", "deputy", None]


def test_a_leader_cannot_change_roles_and_is_told_so_in_a_fragment(seeded_app: Flask) -> None:
    client, token = signed_in(seeded_app, "leader")
    before = roles_of(seeded_app)
    refused = change(client, token, seeded_app, person="watcher", role="office")
    assert refused.status_code == 403
    body = refused.get_data(as_text=True)
    assert "只有管理员" in body and 'id="leadership"' in body and "<html" not in body
    assert roles_of(seeded_app) == before


def test_bad_choices_are_refused_with_a_friendly_message_and_nothing_changes(
        seeded_app: Flask) -> None:
    client, token = signed_in(seeded_app, "admin")
    assert change(client, token, seeded_app, person="watcher", remove="1").status_code == 200
    before, count = roles_of(seeded_app), len(leadership_events(seeded_app))
    for form, words in [({"person": "", "role": "office"}, "请选择人员"),
                        ({"person": "watcher", "role": ""}, "请选择职务"),
                        ({"person": "watcher", "role": "boss"}, "请选择职务"),
                        ({"person": "watcher", "role": "", "remove": "1"}, "观察员")]:
        refused = change(client, token, seeded_app, **form)
        assert refused.status_code == 422, form
        body = refused.get_data(as_text=True)
        assert words in body and 'role="alert"' in body
        assert "boss" not in body.split('role="alert"')[1].split("</div>")[0]
    assert roles_of(seeded_app) == before and len(leadership_events(seeded_app)) == count


def test_a_stale_form_is_refused_not_merged(seeded_app: Flask) -> None:
    client, token = signed_in(seeded_app, "admin")
    stale = version_of(seeded_app)
    assert change(client, token, seeded_app, person="watcher", role="office").status_code == 200
    now = roles_of(seeded_app)
    refused = change(client, token, seeded_app, person="other", role="deputy",
                     expected_version=stale)
    assert refused.status_code == 409
    assert roles_of(seeded_app) == now


def test_the_editor_works_without_htmx_post_redirect_get(seeded_app: Flask) -> None:
    client, token = signed_in(seeded_app, "admin", "en")
    response = client.post(EDIT, data={"csrf_token": token, "person": "watcher",
                                       "role": "office",
                                       "expected_version": version_of(seeded_app)})
    assert response.status_code == 302 and response.location.endswith("/plans/web#leadership")
    page = client.get(OVERVIEW).get_data(as_text=True)
    assert 'data-person="watcher" data-role="office"' in page
    assert re.search(r'<option value="office" selected>Supervising office</option>', page)
    refused = client.post(EDIT, data={"csrf_token": token, "person": "",
                                      "role": "member",
                                      "expected_version": version_of(seeded_app)})
    assert refused.status_code == 422 and "<html" in refused.get_data(as_text=True)
    assert "Choose a person." in refused.get_data(as_text=True)


# -- the plan file's `leadership:` section ---------------------------------------------------

SECTION_PLAN = """\
plan: {key: lp, title: 领导小组方案, starts: 2012-01-01, ends: 2012-12-31}
units: [{key: lu, name: 第一支部}]
people:
  - {key: lboss, name: 王组长, role: group_leader}
  - {key: ldep, name: 李副组长, role: deputy}
  - {key: lclerk, name: 周干事, role: none}
  - {key: lstaff, name: 赵科长, role: none}
leadership:
  group_leader: lboss
  deputy: [ldep]
  member: [lstaff]
  office: [lclerk]
items:
  - {key: li, title: 事项, owner: lstaff, lead_unit: lu, due: 2012-06-30}
"""


def test_a_leadership_section_names_the_plans_roles_besides_the_peoples_role() -> None:
    pf = parse_plan_file(SECTION_PLAN)
    assert pf.leadership == {"lboss": "group_leader", "ldep": "deputy", "lstaff": "member",
                             "lclerk": "office"}
    assert pf.plan_roles() == pf.leadership
    without = parse_plan_file(SECTION_PLAN.split("leadership:")[0]
                              + "items:" + SECTION_PLAN.split("items:")[1])
    assert without.leadership is None
    assert without.plan_roles() == {"lboss": "group_leader", "ldep": "deputy"}


def test_a_bad_leadership_section_is_refused_naming_each_line(tmp_path: Path,
                                                             database_url: str) -> None:
    bad = SECTION_PLAN.replace("  office: [lclerk]", "  office: [lclerk, ldep, ghost]\n"
                                                     "  boss: [lboss]")
    with pytest.raises(PlanFileError) as refused:
        parse_plan_file(bad)
    lines: dict[int, str] = {}
    for p in refused.value.problems:
        lines[p.line] = lines.get(p.line, "") + p.message + "\n"
    assert "ldep" in lines[12] and "line 10" in lines[12]  # two roles, both lines named
    assert "ghost" in lines[12]
    assert "unknown field 'boss'" in lines[13]
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["--instance", str(tmp_path / "inst"), "--db", database_url,
                                  "import", str(path)])
    assert result.exit_code == 2 and "line 12" in result.stderr and "line 13" in result.stderr


def test_reimporting_a_changed_section_records_the_change_as_an_event(
        app: TrackerApplication) -> None:
    import_plan(app, parse_plan_file(SECTION_PLAN), SYSTEM)
    assert app.leadership("lp") == {"lboss": "group_leader", "lclerk": "office",
                                    "ldep": "deputy", "lstaff": "member"}
    assert import_plan(app, parse_plan_file(SECTION_PLAN), SYSTEM).events == 0
    changed = SECTION_PLAN.replace("  office: [lclerk]\n", "").replace(
        "member: [lstaff]", "member: [lstaff, lclerk]")
    result = import_plan(app, parse_plan_file(changed), SYSTEM)
    assert result.events == 1
    assert app.leadership("lp") == {"lboss": "group_leader", "lclerk": "member",
                                    "ldep": "deputy", "lstaff": "member"}
    last = app.repository.event_store.get(plan_id("lp"))
    event = list(last)[-1]
    assert type(event).__name__ == "LeadershipSet" and event.actor == SYSTEM.name
    assert event.old["lclerk"] == "office"


def test_a_file_without_a_section_keeps_taking_roles_from_its_people(
        app: TrackerApplication) -> None:
    plain = SECTION_PLAN.split("leadership:")[0] + "items:" + SECTION_PLAN.split("items:")[1]
    import_plan(app, parse_plan_file(plain), SYSTEM)
    assert app.leadership("lp") == {"lboss": "group_leader", "ldep": "deputy"}


# -- handovers 接手 / 移交 on the leader report, its person page and its papers ----------------

HANDOVER = datetime(2012, 8, 9, 2, 0, tzinfo=UTC)  # "mine" (due 2012-06-30) 40 days overdue
LATER = datetime(2012, 8, 19, 2, 0, tzinfo=UTC)  # ten days after the handover


@pytest.fixture
def handed(web_app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The seeded app where "mine" went from 负责人 to 另一负责人 when 40 days overdue, seen ten
    days later."""
    now = [HANDOVER]
    monkeypatch.setattr(eventsourcing.domain, "datetime_now_with_tzinfo", lambda: now[0])
    svc = services_of(web_app)
    svc.tracker.clock = lambda: now[0]
    seed(web_app)
    admin = Actor(person="director", role="admin", login="admin")
    svc.run(iid("mine"), "reassign", admin, owner="other", reason="调整分工")
    now[0] = LATER
    return web_app


def handover_row(page: str) -> str:
    """The handovers table's row of "mine"."""
    section = page[page.index('id="handovers"'):]
    start = section.rfind("<tr", 0, section.index('data-item="mine"'))
    return section[start:section.index("</tr>", start)]


def test_the_person_page_shows_what_they_handed_over_and_took_over_with_each_sides_days(
        handed: Flask) -> None:
    client, _ = signed_in(handed, "member")
    row = handover_row(client.get("/reports/leaders/owner?plan=web").get_data(as_text=True))
    assert 'data-direction="handed_over"' in row
    assert "移交" in row and "移交给另一负责人" in row and "2012年8月9日" in row
    assert re.search(r'data-side="mine">40<', row) and re.search(r'data-side="theirs">10<', row)
    took = client.get("/reports/leaders/other?plan=web").get_data(as_text=True)
    row = handover_row(took)
    assert 'data-direction="took_over"' in row
    assert "接手" in row and "从负责人接手" in row
    assert re.search(r'data-side="mine">10<', row) and re.search(r'data-side="theirs">40<', row)
    assert "接手／移交" in took
    nobody = client.get("/reports/leaders/chief?plan=web").get_data(as_text=True)
    assert "没有事项更换过责任人。" in nobody and 'id="handovers"' not in nobody


def test_the_leader_report_lists_every_handover_once(handed: Flask) -> None:
    client, _ = signed_in(handed, "viewer", "en")
    page = client.get("/reports/leaders?plan=web").get_data(as_text=True)
    table = page[page.index('id="handovers"'):page.index("</table>", page.index(
        'id="handovers"'))]
    assert table.count("<tr data-item=") == 1
    assert re.search(r'<td class="text">负责人</td><td class="text">另一负责人</td>'
                     r'<td>[^<]*2012[^<]*</td>', table)
    assert 'data-side="from">40<' in table and 'data-side="to">10<' in table
    rows = {r["person"]: r for r in client.get(
        "/api/reports/leaders?plan=web", headers=bearer(api_token(handed, "viewer")))
        .get_json()["leaders"]}
    days = {p: [e["days"] for e in rows[p]["items"]["overdue"] if e["key"] == "mine"]
            for p in ("owner", "other")}
    assert days == {"owner": [40], "other": [10]}  # the same split as the ledger's
    assert [h["direction"] for h in rows["owner"]["handovers"]] == ["handed_over"]


def test_the_leader_report_papers_carry_the_handovers(handed: Flask) -> None:
    client, _ = signed_in(handed, "viewer")
    csv_text = client.get("/reports/leaders.csv?plan=web").get_data().decode("utf-8-sig")
    tail = csv_text.split("\r\n\r\n")[1].splitlines()
    assert tail[0] == "接手／移交"
    assert tail[1].startswith("事项,移交人,接手人,交接日期")
    assert tail[2] == "负责人的事项,负责人,另一负责人,2012年8月9日,40,10"
    xlsx = client.get("/reports/leaders.xlsx?plan=web")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.get_data()))
    cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
             if c.value is not None]
    assert any(c.endswith("接手／移交") for c in cells)  # the sheet's subtitle
    assert "负责人的事项" in cells and "移交人逾期天数" in cells
    docx = client.get("/reports/leaders.docx?plan=web")
    document = Docx(io.BytesIO(docx.get_data()))
    texts = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "另一负责人" in texts and "2012年8月9日" in texts


def test_with_role_gives_changes_and_takes_away_one_persons_role() -> None:
    assert with_role(None, "a", "office") == {"a": "office"}
    assert with_role({"a": "office"}, "a", "deputy") == {"a": "deputy"}
    assert with_role({"a": "office", "b": "member"}, "a", None) == {"b": "member"}
    for roles, person, role in [({}, "", "member"), ({}, "a", "boss"), ({}, "a", ""),
                                ({"b": "member"}, "a", None)]:
        with pytest.raises(ValidationError):
            with_role(roles, person, role)
