"""Faults: an unreachable database makes the CLI exit 2 with a clear message, writing nothing."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import main


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_cli_on_an_unreachable_database_exits_2_with_a_clear_message(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTGRES_CONNECT_TIMEOUT", "1")  # the library's own setting
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/test"
    for args in (["init"], ["items", "list"]):
        result = CliRunner().invoke(main, ["--db", url, "--instance", str(tmp_path), *args])
        assert result.exit_code == 2, (args, result.output, result.exception)
        assert "database" in result.output.lower(), result.output
        assert "Traceback" not in result.output


def test_a_locked_sqlite_store_answers_503_and_stores_nothing(tmp_path: Path) -> None:
    import sqlite3

    from webfixtures import api_token, bearer, make_web_app, seed, services_of

    db = tmp_path / "locked.db"
    app = make_web_app(f"sqlite:///{db}?timeout=1", tmp_path / "instance")
    try:
        seed(app)
        svc = services_of(app)
        card = svc.queries.board()[0]
        headers = bearer(api_token(app, "admin"))
        before = svc.tracker.recorder.max_notification_id()
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")  # another writer holds the file past the timeout
        try:
            response = app.test_client().post(f"/api/items/{card['id']}/comment",
                                              json={"text": "while locked"}, headers=headers)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert response.status_code == 503
        assert response.headers["Retry-After"]
        assert response.get_json()["error"] == "unavailable"
        assert svc.tracker.recorder.max_notification_id() == before
        again = app.test_client().post(f"/api/items/{card['id']}/comment",
                                       json={"text": "after the lock"}, headers=headers)
        assert again.status_code == 200
    finally:
        services_of(app).close()


def test_a_locked_sqlite_store_makes_the_cli_exit_2(tmp_path: Path) -> None:
    import sqlite3

    from tracker.demo import demo_plan_text

    db = tmp_path / "locked.db"
    url = f"sqlite:///{db}?timeout=1"
    init = CliRunner().invoke(main, ["--db", url, "--instance", str(tmp_path), "init"])
    assert init.exit_code == 0
    plan = tmp_path / "plan.yaml"
    plan.write_text(demo_plan_text(), encoding="utf-8")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = CliRunner().invoke(main, ["--db", url, "--instance", str(tmp_path), "import",
                                           str(plan)])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 2, (result.output, result.exception)
    assert "database" in result.output.lower()
    check = sqlite3.connect(db)
    try:
        assert check.execute("SELECT count(*) FROM stored_events").fetchone() == (0,)
    finally:
        check.close()
