"""Entering assessments: the admin form, the CLI, the unit's grade page and per-plan weights."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403  (fixtures web_app, seeded_app, client)
from webfixtures import csrf_token, login, services_of

from tracker.application import TrackerApplication
from tracker.cli import main
from tracker.errors import PermissionDeniedError, ValidationError
from tracker.grading import CRITERIA
from tracker.permissions import SYSTEM, Actor

URL = "/units/u1/assess"


def form(token: str, label: str, own: float | str, superior: float | str,
         **overrides: str) -> dict[str, str]:
    data = {"csrf_token": token, "plan": "web", "label": label, "on": "2012-06-30"}
    data |= {f"self_{c}": str(own) for c in CRITERIA}
    data |= {f"superior_{c}": str(superior) for c in CRITERIA}
    return data | overrides


def test_form_has_translated_criteria_and_refuses_non_admins(client: FlaskClient) -> None:
    login(client, "leader")
    assert client.get(URL).status_code == 403
    admin = client.application.test_client()
    login(admin, "admin")
    html = admin.get(URL).get_data(as_text=True)
    assert 'name="csrf_token"' in html and "Working mechanisms" in html and "40 %" in html
    chinese = client.application.test_client()
    chinese.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    login(chinese, "admin")
    assert "工作机制" in chinese.get(URL).get_data(as_text=True)


def test_bad_scores_show_next_to_their_field_and_nothing_is_recorded(
        client: FlaskClient) -> None:
    login(client, "admin")
    token = csrf_token(client, URL)
    response = client.post(URL, data=form(token, "H1", 80, 90, superior_results="140"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    field = html.split('id="assess-superior_results"')[1].split("</div>")[0]
    assert 'id="err-superior_results"' in field and "0 to 100" in field
    assert 'value="140"' in html.split('id="assess-superior_results"')[1][:200]
    missing = client.post(URL, data=form(token, " ", 80, 90))
    assert missing.status_code == 422
    assert 'id="err-label"' in missing.get_data(as_text=True)
    assert client.post(URL, data={k: v for k, v in form(token, "H1", 80, 90).items()
                                  if k != "csrf_token"}).status_code == 400
    assert services_of(client.application).tracker.get_unit("u1").assessments == []


def test_assessments_from_the_form_show_on_the_unit_page_and_review(
        client: FlaskClient) -> None:
    login(client, "admin")
    token = csrf_token(client, URL)
    first = client.post(URL, data=form(token, "H1", 70, 65))
    assert first.status_code == 302 and "/units/u1" in first.headers["Location"]
    client.post(URL, data=form(token, "H2", 85, 80, on="2012-12-20"))
    again = client.post(URL, data=form(token, "H2", 85, 80))
    assert again.status_code == 409 and 'id="err-label"' in again.get_data(as_text=True)
    html = client.get("/units/u1").get_data(as_text=True)
    history = html.split('id="grade-history"')[1]
    assert history.index('data-label="H1"') < history.index('data-label="H2"')
    assert 'data-grade="average"' in history and 'data-grade="good"' in history
    assert 'data-direction="up"' in html.split('id="movement"')[1]
    review = client.get("/reports/review?plan=web").get_data(as_text=True)
    assert 'href="/units/u1?plan=web"' in review
    assert client.get("/units/nope").status_code == 404


def test_cli_records_an_assessment_and_refuses_bad_input(seeded_app: Flask,
                                                          tmp_path: Path) -> None:
    url = services_of(seeded_app).settings.database_url
    base = ["--db", url, "--instance", str(tmp_path / "cli"), "units", "assess", "u2",
            "--plan", "web", "--on", "2012-06-30"]
    ok = CliRunner().invoke(main, [*base, "--label", "H1", "--self", "80,85,90,75,88",
                                   "--superior", "90,90,90,90,90"])
    assert ok.exit_code == 0, ok.output
    assert "good" in ok.output
    for bad in (["--label", "H2", "--self", "80,85,90,75", "--superior", "90,90,90,90,90"],
                ["--label", "H2", "--self", "80,85,90,75,188", "--superior", "9,9,9,9,9"],
                ["--label", "H1", "--self", "80,85,90,75,88", "--superior", "9,9,9,9,9"]):
        result = CliRunner().invoke(main, [*base, *bad])
        assert result.exit_code == 2, result.output
    unit = CliRunner().invoke(main, ["--db", url, "--instance", str(tmp_path / "cli"),
                                     "units", "assess", "nope", "--plan", "web", "--label",
                                     "X", "--self", "1,1,1,1,1", "--superior", "1,1,1,1,1"])
    assert unit.exit_code == 2 and "nope" in unit.output


def test_plan_weights_are_used_when_none_are_given(app: TrackerApplication) -> None:
    app.create_plan(SYSTEM, key="p", title="Plan", starts=date(2012, 3, 20),
                    ends=date(2012, 12, 31), goals=[], phases=[])
    app.add_unit(SYSTEM, "u1", "Unit 1")
    for weights in ((50, 60), (-10, 110), (101, -1)):
        with pytest.raises(ValidationError):
            app.set_grading(SYSTEM, "p", self_weight=weights[0], superior_weight=weights[1])
    with pytest.raises(PermissionDeniedError):
        app.set_grading(Actor("chief", "leader"), "p", self_weight=20, superior_weight=80)
    assert app.set_grading(SYSTEM, "p", self_weight=20, superior_weight=80).notification_id
    assert app.set_grading(SYSTEM, "p", self_weight=20, superior_weight=80).notification_id is None
    app.assess_unit(SYSTEM, "u1", "p", label="H1", self_scores=dict.fromkeys(CRITERIA, 100),
                    superior_scores=dict.fromkeys(CRITERIA, 50), on=date(2012, 6, 30))
    unit = app.get_unit("u1")
    assert unit.grade == "average"  # 20 × 100 + 80 × 50 = 60; the default 40/60 would give 70
    app.assess_unit(SYSTEM, "u1", "p", label="H2", self_scores=dict.fromkeys(CRITERIA, 100),
                    superior_scores=dict.fromkeys(CRITERIA, 50), on=date(2012, 12, 30),
                    weights={"self": 40, "superior": 60})
    assert app.get_unit("u1").grade == "average"


def test_cli_sets_the_plan_weights(seeded_app: Flask, tmp_path: Path) -> None:
    url = services_of(seeded_app).settings.database_url
    base = ["--db", url, "--instance", str(tmp_path / "cli"), "units", "grading", "--plan",
            "web"]
    assert CliRunner().invoke(main, [*base, "--self", "30", "--superior", "70"]).exit_code == 0
    assert services_of(seeded_app).tracker.get_plan("web").grading_weights == {
        "self": 30, "superior": 70}
    assert CliRunner().invoke(main, [*base, "--self", "30", "--superior", "80"]).exit_code == 2
