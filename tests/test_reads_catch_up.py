"""Reads see other processes' writes: a plan imported with `tracker import` while a real
`tracker serve` runs on SQLite is on the board at the next page load."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from faultserver import Server
from projections_fixtures import *  # noqa: F403

from projections import ReadModels
from tracker.application import TrackerApplication
from tracker.config import Settings
from tracker.importer import import_plan
from tracker.permissions import SYSTEM
from tracker.planfile import parse_plan_file
from web import create_app

LATER_PLAN = """\
plan: {key: later, title: 后来导入的方案, starts: 2012-01-01, ends: 2012-12-31}
units: [{key: u1, name: 第一支部}]
people: [{key: boss, name: 负责人}]
items:
  - {key: b, title: 命令行导入的事项乙, owner: boss, lead_unit: u1, due: 2012-07-31}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("reads"))
    srv.setup()
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def signed_in(server: Server) -> urllib.request.OpenerDirector:
    """A browser-like client (cookies, CSRF token) signed in as the admin."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    base = f"http://127.0.0.1:{server.port}"
    page = opener.open(f"{base}/login", timeout=30).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token is not None
    form = urllib.parse.urlencode({"csrf_token": token.group(1), "username": "admin",
                                   "password": "a-long-admin-password-19"}).encode()
    opener.open(f"{base}/login", data=form, timeout=30).read()
    return opener


def test_a_plan_imported_by_the_cli_is_on_the_board_at_the_next_page_load(
        server: Server) -> None:
    browser = signed_in(server)
    base = f"http://127.0.0.1:{server.port}"
    assert server.api("GET", "/api/plans/later")[0] == 404
    plan = server.folder / "later.yaml"
    plan.write_text(LATER_PLAN, encoding="utf-8")

    done = server.cli("import", str(plan))  # another process, while the server runs

    assert done.returncode == 0, done.stderr
    board = browser.open(f"{base}/plans/later/board", timeout=30).read().decode()
    assert "命令行导入的事项乙" in board
    status, payload = server.api("GET", "/api/board?plan=later")
    assert status == 200
    assert "命令行导入的事项乙" in str(payload)


def test_an_item_added_by_the_cli_is_in_the_next_api_list(server: Server) -> None:
    status, before = server.api("GET", "/api/items?plan=f")
    assert status == 200
    plan = server.folder / "plan.yaml"
    extra = "  - {key: c, title: 命令行追加的事项丙, owner: boss, lead_unit: u1, due: 2012-08-31}\n"
    plan.write_text(plan.read_text("utf-8") + extra, encoding="utf-8")

    assert server.cli("import", str(plan)).returncode == 0

    status, after = server.api("GET", "/api/items?plan=f")
    assert status == 200
    titles = [i["title"] for i in after["items"]]
    assert len(titles) == len(before["items"]) + 1
    assert "命令行追加的事项丙" in titles


def test_nothing_new_means_no_catch_up(tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app({"SETTINGS": Settings.load(tmp_path / "instance",
                                                f"sqlite:///{tmp_path / 'db.sqlite'}"),
                      "WEBHOOKS_ENABLED": False})
    rm = app.extensions["tracker"].read_models
    assert not rm.behind()
    calls: list[object] = []
    monkeypatch.setattr(rm, "catch_up", lambda *a, **k: calls.append(a))
    app.test_client().get("/api/health")
    assert calls == []
    app.extensions["tracker"].close()


def test_the_read_models_know_when_the_store_is_ahead(app: TrackerApplication,
                                                     read_models: ReadModels) -> None:
    assert not read_models.behind()
    import_plan(app, parse_plan_file(LATER_PLAN.encode()), SYSTEM)
    assert read_models.behind()
    read_models.catch_up()
    assert not read_models.behind()
