"""Everything reachable: unit pages and assessment entry for every unit, grading settings in
the browser (recorded as the admin who set them), the review from the plan page and the nav,
the calendar link on My work, the audit as a paged table, one notion of evidence."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from boardfixtures import iid, version_of
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403  (fixtures web_app, seeded_app, client)
from webfixtures import PLAN_KEY, csrf_token, login, services_of

from tracker.grading import CRITERIA


def chinese(client: FlaskClient) -> FlaskClient:
    other = client.application.test_client()
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    return other


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


# -- units and assessment entry -------------------------------------------------------------

def test_plan_page_and_reports_reach_every_unit_even_without_a_grade(client: FlaskClient) -> None:
    login(client, "admin")
    overview = page(client, f"/plans/{PLAN_KEY}")
    assert f"/reports/units?plan={PLAN_KEY}" in overview
    assert f"/reports/units?plan={PLAN_KEY}" in page(client, f"/reports/leaders?plan={PLAN_KEY}")
    units = page(client, f"/reports/units?plan={PLAN_KEY}")
    for key in ("u1", "u2"):  # neither has been assessed
        assert f'href="/units/{key}?plan={PLAN_KEY}"' in units
        assert f'href="/units/{key}/assess?plan={PLAN_KEY}"' in units
    assert units.count("Not assessed yet") == 2
    unit_page = page(client, f"/units/u2?plan={PLAN_KEY}")
    assert f"/units/u2/assess?plan={PLAN_KEY}" in unit_page and "(u2)" not in unit_page
    assert page(client, f"/units/u2/assess?plan={PLAN_KEY}").count('name="self_') == 5


def test_units_page_shows_the_latest_grade_and_hides_entry_from_non_admins(
        client: FlaskClient) -> None:
    login(client, "admin")
    token = csrf_token(client, "/units/u1/assess")
    data = {"csrf_token": token, "plan": PLAN_KEY, "label": "上半年", "on": "2012-06-30"}
    data |= {f"self_{c}": "95" for c in CRITERIA} | {f"superior_{c}": "95" for c in CRITERIA}
    assert client.post("/units/u1/assess", data=data).status_code == 302
    leader = client.application.test_client()
    login(leader, "leader")
    html = page(leader, f"/reports/units?plan={PLAN_KEY}")
    row = html.split('data-unit="u1"')[1].split("</tr>")[0]
    assert 'data-grade="advanced"' in row and "上半年" in row
    assert "/assess" not in html and "/reports/grading" not in html


# -- grading settings -------------------------------------------------------------------------

def grading_form(token: str, **values: str) -> dict[str, str]:
    return {"csrf_token": token, "plan": PLAN_KEY, "weight_self": "30",
            "weight_superior": "70", "threshold_advanced": "85", "threshold_good": "70",
            "threshold_average": "55"} | values


def test_admin_sets_weights_and_thresholds_recorded_as_that_admin(client: FlaskClient) -> None:
    login(client, "admin")
    url = f"/reports/grading?plan={PLAN_KEY}"
    token = csrf_token(client, url)
    assert client.post(url, data=grading_form(token)).status_code == 302
    plan = services_of(client.application).tracker.get_plan(PLAN_KEY)
    assert plan.grading_weights == {"self": 30, "superior": 70}
    assert plan.grading_thresholds == {"advanced": 85.0, "good": 70.0, "average": 55.0}
    html = page(client, url)
    assert 'value="30"' in html and 'value="85"' in html
    rows = services_of(client.application).queries.audit(plan=PLAN_KEY, limit=500)
    mine = [r for r in rows if r["event_type"] in ("GradingSet", "ThresholdsSet")]
    # recorded as the person the admin account stands for (the seed's 管理员), not user:system
    assert len(mine) == 2 and {r["actor"] for r in mine} == {"director"}
    english = page(client, "/audit?plan=" + PLAN_KEY)
    assert ("管理员 set the grading weights of the plan “网页测试方案”: self-assessment 30 %, "
            "superior assessment 70 %") in english
    assert "advanced from 85, good from 70, average from 55" in english
    zh = chinese(client)
    login(zh, "admin")
    audit = page(zh, "/audit?plan=" + PLAN_KEY)
    assert "管理员设置了方案“网页测试方案”的定级分数线：先进 85 分起" in audit
    # an assessment now uses the plan's weights and thresholds: 84 is good, not advanced
    token = csrf_token(client, "/units/u1/assess")
    data = {"csrf_token": token, "plan": PLAN_KEY, "label": "H1", "on": "2012-06-30"}
    data |= {f"self_{c}": "84" for c in CRITERIA} | {f"superior_{c}": "84" for c in CRITERIA}
    assert client.post("/units/u1/assess", data=data).status_code == 302
    assert services_of(client.application).tracker.get_unit("u1").grade == "good"
    assert "85 and above is advanced" in page(client, "/units/u1/assess?plan=" + PLAN_KEY)


def test_bad_settings_are_refused_next_to_their_field_and_nothing_changes(
        client: FlaskClient) -> None:
    login(client, "admin")
    url = f"/reports/grading?plan={PLAN_KEY}"
    token = csrf_token(client, url)
    cases = {"weight_self": ({"weight_self": "x"}, "whole percent"),
             "weight_superior": ({"weight_superior": "60"}, "add up to 100"),
             "threshold_good": ({"threshold_good": "90"}, "below the one"),
             "threshold_average": ({"threshold_average": "-1"}, "0 to 100")}
    for field, (change, words) in cases.items():
        response = client.post(url, data=grading_form(token, **change))
        assert response.status_code == 422, field
        html = response.get_data(as_text=True)
        around = html.split(f'id="grading-{field}"')[1].split("</div>")[0]
        assert f'id="err-{field}"' in around and words in around, field
    plan = services_of(client.application).tracker.get_plan(PLAN_KEY)
    assert plan.grading_weights is None and plan.grading_thresholds is None
    zh = chinese(client)
    login(zh, "admin")
    refused = zh.post(url, data=grading_form(csrf_token(zh, url), weight_superior="60"))
    assert "合计" in refused.get_data(as_text=True) or "100" in refused.get_data(as_text=True)


def test_only_admins_may_change_grading_settings(client: FlaskClient) -> None:
    login(client, "leader")
    url = f"/reports/grading?plan={PLAN_KEY}"
    assert client.get(url).status_code == 403
    assert "/reports/grading" not in page(client, f"/plans/{PLAN_KEY}")


# -- the review ----------------------------------------------------------------------------------

def test_review_is_reachable_from_the_plan_page_and_the_navigation(client: FlaskClient) -> None:
    login(client, "member")
    overview = page(client, f"/plans/{PLAN_KEY}")
    assert f'href="/reports/review?plan={PLAN_KEY}"' in overview
    home = page(client, "/my-work")
    assert 'href="/reports/review"' in home
    review = page(client, "/reports/review")
    assert 'name="plan"' in review and "网页测试方案" in review


# -- the calendar -------------------------------------------------------------------------------

def test_my_work_offers_the_private_calendar_with_an_explanation(client: FlaskClient) -> None:
    from tracker.calendar import feed_token

    login(client, "member")
    html = page(client, "/my-work")
    secret = services_of(client.application).settings.secret_key
    assert f"/calendar/owner/{feed_token(secret, 'owner')}.ics" in html
    assert "Subscribe to this address in a calendar app" in html
    zh = chinese(client)
    login(zh, "member")
    assert "订阅下面的地址" in page(zh, "/my-work")


# -- the audit table ---------------------------------------------------------------------------

def audit_rows(html: str) -> list[str]:
    return re.findall(r'<tr class="audit-row" id="audit-(\d+)"', html)


def test_audit_is_a_table_sorted_by_any_column_with_a_total(client: FlaskClient) -> None:
    login(client, "admin")
    url = f"/reports/grading?plan={PLAN_KEY}"
    client.post(url, data=grading_form(csrf_token(client, url)))
    html = page(client, "/audit")
    total = int(re.search(r"(\d+) events match", html).group(1))  # type: ignore[union-attr]
    seqs = [int(s) for s in audit_rows(html)]
    assert len(seqs) == min(total, 50) and seqs == sorted(seqs, reverse=True)
    for column in ("No.", "Time", "Actor", "Event", "Concerning"):
        assert f">{column}" in html
    oldest = [int(s) for s in audit_rows(page(client, "/audit?sort=seq&desc=0"))]
    assert oldest == sorted(oldest) and oldest[0] == 1
    by_actor = page(client, "/audit?sort=actor&desc=0")
    actors = re.findall(r'<td class="actor">([^<]+)</td>', by_actor)
    assert actors == sorted(actors) and len(set(actors)) > 1  # by the name the reader sees
    by_event = page(client, "/audit?sort=event&desc=1")
    head = by_event.split('id="audit-table"')[1].split("</thead>")[0]
    assert 'aria-sort="descending"' in head.split(">Event")[0].rsplit("<th", 1)[1]
    select = by_event.split('name="event_type"')[1].split("</select>")[0]
    labels = [k for k in re.findall(r'<option value="([^"]+)"', select)]
    kinds = re.findall(r'data-event="([^"]+)"', by_event.split('id="audit-table"')[1])
    ranks = [labels.index(k) if k in labels else len(labels) for k in kinds]
    assert ranks == sorted(ranks, reverse=True) and len(set(kinds)) > 1
    assert client.get("/audit?sort=secret").status_code == 400


def _actor_options(client: FlaskClient) -> list[tuple[str, str]]:
    """The actors that are no person, offered by name beside the actor filter's people picker."""
    html = page(client, "/audit")
    return re.findall(r'<input type="radio" name="actor" value="([^"]+)"[^>]*>\s*([^<]+)</label>',
                      html)


def test_audit_filters_offer_accounts_and_event_types_in_the_users_language(
        client: FlaskClient) -> None:
    zh = chinese(client)
    login(zh, "admin")
    options = dict(_actor_options(zh))
    assert options.get("user:system") == "系统"  # the seed plan was imported by the system
    html = page(zh, "/audit")
    types = html.split('name="event_type"')[1].split("</select>")[0]
    assert "催办" in types and "Chased" not in types.split('value="Chased"')[1].split("<")[0]
    rows = page(zh, "/audit?actor=user:system")
    assert audit_rows(rows) and "<td class=\"actor\">系统</td>" in rows


# -- one notion of evidence ---------------------------------------------------------------------

PDF = b"%PDF-1.4\n branch meeting minutes \n%%EOF\n"


def _item_page(client: FlaskClient, key: str = "mine") -> str:
    return page(client, f"/items/{iid(key)}")


def _run(client: FlaskClient, key: str, command: str, data: dict[str, object]) -> tuple[int, str]:
    form = {"csrf_token": csrf_token(client, f"/items/{iid(key)}"),
            "expected_version": str(version_of(client, key)), **data}
    response = client.post(f"/items/{iid(key)}/commands/{command}", data=form,
                           headers={"HX-Request": "true"})
    return response.status_code, response.get_data(as_text=True)


def test_files_and_links_are_one_evidence_list_the_completion_cites(client: FlaskClient) -> None:
    import io

    login(client, "member")
    form = {"csrf_token": csrf_token(client, f"/items/{iid('mine')}"),
            "expected_version": str(version_of(client, "mine")),
            "description": "第一次支部大会的纪要", "file": (io.BytesIO(PDF), "纪要.pdf")}
    uploaded = client.post(f"/items/{iid('mine')}/evidence", data=form,
                           content_type="multipart/form-data", headers={"HX-Request": "true"})
    assert uploaded.status_code == 200
    status, html = _run(client, "mine", "link-evidence",
                        {"url": "https://example.org/photos", "description": "活动照片"})
    assert status == 200, html
    section = html.split('id="evidence-list"')[1].split('id="evidence-forms"')[0]  # what changed
    assert "纪要.pdf" in section and "第一次支部大会的纪要" in section
    assert 'href="https://example.org/photos"' in section and "活动照片" in section
    assert "https://example.org/photos" in html.split("afterbegin:#timeline-list")[1]
    timeline = _item_page(client).split('id="timeline-list"')[1]
    assert "File: 纪要.pdf — 第一次支部大会的纪要" in timeline
    assert "https://example.org/photos" in timeline
    actions = html.split('id="actions-heading"')[1].split("</section>")[0]
    assert "action-link-evidence" not in actions  # offered in the evidence section instead
    submit = actions.split('class="action action-submit')[1].split("</details>")[0]
    sha = hashlib.sha256(PDF).hexdigest()
    assert f'value="sha256:{sha} 纪要.pdf"' in submit
    assert 'value="https://example.org/photos"' in submit and "<textarea" in submit
    assert 'name="evidence" value=""' in submit  # keeps a single choice whole
    _run(client, "mine", "start", {})
    status, html = _run(client, "mine", "submit", {"outcome": "已召开", "evidence": [
        "", f"sha256:{sha} 纪要.pdf"]})
    assert status == 200, html
    item = services_of(client.application).tracker.get_item(iid("mine"))
    assert item.state.completion["evidence"] == [f"sha256:{sha} 纪要.pdf"]
    fields = html.split('id="fields-heading"')[1].split("</section>")[0]
    assert "纪要.pdf" in fields and f"sha256:{sha}" not in fields
    assert html.split('id="evidence-list"')[1].split('id="evidence-forms"')[0].count(
        "纪要.pdf") == 1


def test_free_text_evidence_recorded_before_still_shows_as_given(client: FlaskClient) -> None:
    from tracker.permissions import Actor

    svc = services_of(client.application)
    owner = Actor("owner", "member", "owner")
    svc.tracker.execute(iid("mine"), "start", owner)
    result = svc.tracker.execute(iid("mine"), "submit", owner, outcome="已完成",
                                 evidence=["会议纪要一份，存办公室", "https://example.org/a"])
    svc.sync(result.notification_id)
    login(client, "member")
    section = _item_page(client).split('id="evidence"')[1].split("</section>")[0]
    assert "会议纪要一份，存办公室" in section and "Given with the completion" in section
    assert 'href="https://example.org/a"' in section


def test_a_link_that_is_not_a_web_address_is_refused_next_to_its_field(
        client: FlaskClient) -> None:
    login(client, "member")
    before = version_of(client, "mine")
    status, html = _run(client, "mine", "link-evidence", {"url": "javascript:alert(1)"})
    assert status == 422
    assert 'id="err-url"' in html and "http://" in html
    assert version_of(client, "mine") == before


def test_a_file_recorded_before_descriptions_existed_loads_with_none(client: FlaskClient) -> None:
    import json
    from uuid import UUID

    from eventsourcing.persistence import StoredEvent

    from tracker.evidence import EvidenceFile
    from tracker.permissions import Actor

    app = services_of(client.application).tracker
    file = EvidenceFile(hashlib.sha256(PDF).hexdigest(), len(PDF), "旧.pdf", "application/pdf")
    app.attach_evidence(Actor("owner", "member", "owner"), iid("mine"), file)
    stored = app.recorder.select_events(UUID(iid("mine")), desc=True, limit=1)[0]
    state = json.loads(stored.state)
    assert state["class_version"] == 2 and state["description"] == ""
    del state["class_version"], state["description"]  # as version 1 wrote it
    old = StoredEvent(stored.originator_id, stored.originator_version, stored.topic,
                      json.dumps(state).encode("utf-8"))
    event = app.mapper.to_domain_event(old)
    assert event.description == "" and event.name == "旧.pdf"  # type: ignore[attr-defined]


# -- a newcomer's first minute -------------------------------------------------------------------

def test_the_sign_in_page_says_what_the_product_is_in_either_language(
        client: FlaskClient) -> None:
    english = page(client, "/login").split('id="product-intro"')[1].split("</p>")[0]
    assert "every item has a responsible person" in english
    chinese_intro = page(chinese(client), "/login").split('id="product-intro"')[1]
    assert "督查督办系统把方案变成具体的工作" in chinese_intro.split("</p>")[0]


def test_demo_names_its_plan_by_title_and_whom_each_account_stands_for(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tracker.cli import main

    db = f"sqlite:///{tmp_path / 'demo.db'}"
    runner = CliRunner()
    args = ["--db", db, "--instance", str(tmp_path / "instance")]
    assert runner.invoke(main, [*args, "init"]).exit_code == 0
    done = runner.invoke(main, [*args, "demo"])
    assert done.exit_code == 0, done.output
    assert "Demo plan “基层组织建设年活动” loaded" in done.output and " ogy " not in done.output
    assert "leader-demo  — leader: 总支书记 (group leader 组长)" in done.output
    assert "member-demo  — member: 教师党支部书记" in done.output
    assert "admin-demo   — administrator" in done.output and "stands for no person" in done.output
    again = runner.invoke(main, [*args, "demo"])
    assert "The demo plan “基层组织建设年活动” is already loaded" in again.output


def test_the_cli_sets_thresholds_only_all_three_at_once(seeded_app: object,
                                                        tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tracker.cli import main

    app = seeded_app  # the same store the CLI writes to
    url = services_of(app).settings.database_url  # type: ignore[arg-type]
    base = ["--db", url, "--instance", str(tmp_path / "cli"), "units", "grading", "--plan",
            PLAN_KEY, "--self", "40", "--superior", "60"]
    partial = CliRunner().invoke(main, [*base, "--advanced", "85"])
    assert partial.exit_code == 2 and "0 to 100" in partial.output
    done = CliRunner().invoke(main, [*base, "--advanced", "85", "--good", "70", "--average", "50"])
    assert done.exit_code == 0, done.output
    plan = services_of(app).tracker.get_plan(PLAN_KEY)  # type: ignore[arg-type]
    assert plan.grading_thresholds == {"advanced": 85.0, "good": 70.0, "average": 50.0}
