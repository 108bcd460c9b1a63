"""A fresh demo is a year in progress: the past shows that day's board and report; a
back-filled assessment counts as in effect from its date, not as recorded, and is marked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from flask import Flask
from webfixtures import api_token, bearer, login, make_web_app, services_of

from projections import tables as t
from projections.grades import movement
from tracker.cli import main
from tracker.demo import DEMO_PLAN_KEY
from tracker.permissions import Actor

SCORES = {"leadership": 95, "membership": 95, "mechanisms": 95, "results": 95,
          "reputation": 95}


def cli(tmp_path: Path, db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--instance", str(tmp_path / "inst"), "--db", db, *args])
    return result.exit_code, result.stdout


@pytest.fixture
def demo_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """A web app on a store where `tracker demo` has just run."""
    assert cli(tmp_path, database_url, "init")[0] == 0
    code, out = cli(tmp_path, database_url, "demo")
    assert code == 0 and "DEMO DATA" in out and "simulated clock" in out
    app = make_web_app(database_url, tmp_path / "instance")
    yield app
    services_of(app).close()


def test_demo_board_sixty_days_ago_is_not_empty_and_differs_from_today(demo_app: Flask) -> None:
    svc = services_of(demo_app)
    client, headers = demo_app.test_client(), bearer(api_token(demo_app, "viewer"))
    day = (svc.tracker.today() - timedelta(days=60)).isoformat()
    today = client.get(f"/api/board?plan={DEMO_PLAN_KEY}", headers=headers).get_json()
    past = client.get(f"/api/board?plan={DEMO_PLAN_KEY}&as_of={day}", headers=headers)
    assert past.status_code == 200
    body = past.get_json()
    assert body["view"]["basis"] == "effect" and body["view"]["seq"] > 0
    counts = {c["status"]: len(c["cards"]) for c in body["columns"]}
    assert sum(counts.values()) > 0
    assert counts != {c["status"]: len(c["cards"]) for c in today["columns"]}
    report = client.get(f"/api/reports/leaders?plan={DEMO_PLAN_KEY}&as_of={day}",
                        headers=headers).get_json()
    assert sum(r["owned"] for r in report["leaders"]) > 0
    assert sum(r["done"] for r in report["leaders"]) > 0


def test_demo_has_yellow_items_missed_reports_and_a_unit_moved_up(demo_app: Flask) -> None:
    svc = services_of(demo_app)
    cards = svc.queries.board(DEMO_PLAN_KEY)
    assert any(c["light"] == "yellow" and c["due"] <= svc.tracker.today() + timedelta(days=3)
               for c in cards)
    assert sum(r["reports_missed"] for r in svc.queries.ledger(DEMO_PLAN_KEY)) > 0
    assert any(m["direction"] == "up" for m in movement(svc.read_models.engine, DEMO_PLAN_KEY))
    with svc.read_models.engine.connect() as conn:
        days = conn.execute(sa.select(sa.func.min(t.audit.c.at), sa.func.max(t.audit.c.at))).one()
    assert (days[1] - days[0]).days > 100  # recorded over the months, not at install time


def test_backfilled_assessment_counts_in_effect_not_as_recorded(demo_app: Flask) -> None:
    svc = services_of(demo_app)
    today = svc.tracker.today()
    svc.sync(svc.tracker.assess_unit(
        Actor("secretary", "admin"), "students", DEMO_PLAN_KEY, label="补录考评",
        on=today - timedelta(days=30), self_scores=SCORES, superior_scores=SCORES
    ).notification_id)
    client, headers = demo_app.test_client(), bearer(api_token(demo_app, "viewer"))
    day = (today - timedelta(days=15)).isoformat()
    url = f"/api/units/students/grades?plan={DEMO_PLAN_KEY}&as_of={day}"
    effect = client.get(url, headers=headers).get_json()
    recorded = client.get(url + "&basis=recorded", headers=headers).get_json()
    assert effect["view"]["basis"] == "effect" and recorded["view"]["basis"] == "recorded"
    late = [g for g in effect["grades"] if g["label"] == "补录考评"]
    assert late and late[0]["backfilled"] == {"on": (today - timedelta(days=30)).isoformat(),
                                              "entered": today.isoformat()}
    assert not [g for g in recorded["grades"] if g["label"] == "补录考评"]


def test_as_of_dates_outside_the_plan_or_in_the_future_are_refused(demo_app: Flask) -> None:
    svc = services_of(demo_app)
    client, headers = demo_app.test_client(), bearer(api_token(demo_app, "viewer"))
    future = (svc.tracker.today() + timedelta(days=1)).isoformat()
    response = client.get(f"/api/board?plan={DEMO_PLAN_KEY}&as_of={future}", headers=headers)
    assert response.status_code == 422 and "future" in response.get_json()["message"]
    early = (svc.queries.get_plan(DEMO_PLAN_KEY) or {})["starts"] - timedelta(days=1)
    response = client.get(f"/api/reports/leaders?plan={DEMO_PLAN_KEY}&as_of={early}",
                          headers=headers)
    assert response.status_code == 422 and "before the plan" in response.get_json()["message"]
    response = client.get(f"/api/board?plan={DEMO_PLAN_KEY}&as_of={future}&basis=x",
                          headers=headers)
    assert response.status_code == 422


def test_board_and_report_pages_label_the_past_and_refuse_a_future_date(demo_app: Flask) -> None:
    svc = services_of(demo_app)
    client = demo_app.test_client()
    assert login(client, "viewer", "viewer-demo").status_code in (302, 303)
    day = svc.tracker.today() - timedelta(days=60)
    page = client.get(f"/plans/{DEMO_PLAN_KEY}/board?as_of={day}&basis=recorded")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "As recorded at the end of" in text
    assert "Demo data" in text
    report = client.get(f"/reports/leaders?plan={DEMO_PLAN_KEY}&as_of={day}")
    assert report.status_code == 200 and "As in effect on" in report.get_data(as_text=True)
    future = day + timedelta(days=90)
    refused = client.get(f"/plans/{DEMO_PLAN_KEY}/board?as_of={future}",
                         headers={"Accept-Language": "zh-CN"})
    assert refused.status_code == 422 and "是将来的日期" in refused.get_data(as_text=True)
