"""The plan importer under hostile files: broken YAML, non-UTF-8 bytes, bombs, wrong types and
bad dates are refused whole (API 422 with problems by line, CLI exit 2), nothing written."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from flask import Flask
from hostile_payloads import BAD_PLANS, NASTY_PLANS
from webfixtures import api_token, bearer, seed, services_of
from webfixtures import web_app as web_app  # noqa: F401  (fixture)

from tracker.cli import main


def _head(app: Flask) -> int:
    return services_of(app).tracker.recorder.max_notification_id() or 0


def test_bad_plan_files_are_refused_by_the_api_and_nothing_is_written(
        web_app: Flask) -> None:  # noqa: F811
    seed(web_app)
    client, headers = web_app.test_client(), bearer(api_token(web_app, "admin"))
    before = _head(web_app)
    for raw in BAD_PLANS:
        for mimetype in ("application/yaml", "application/json", "text/plain"):
            response = client.post("/api/plans", data=raw, headers=headers,
                                   content_type=mimetype)
            assert response.status_code == 422, (raw[:80], response.get_data(as_text=True))
            answer = response.get_json()
            assert answer["error"] == "invalid_plan" and answer["problems"], raw[:80]
            assert all(isinstance(p["line"], int) and p["message"] for p in answer["problems"])
    assert _head(web_app) == before
    for raw in NASTY_PLANS:  # they rename the seed's people and units: the directory may change
        response = client.post("/api/plans?update_directory=true", data=raw, headers=headers,
                               content_type="application/yaml")
        assert response.status_code == 201, response.get_data(as_text=True)
    keys = {p["key"] for p in client.get("/api/plans", headers=headers).get_json()["plans"]}
    assert {"<script>window.__pwned=1</script>", "1e999"} <= keys


def test_bad_plan_files_make_the_cli_exit_2_and_write_nothing(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "--instance", str(tmp_path), "init"]).exit_code == 0
    from tracker.storage import parse_database_url

    for n, raw in enumerate(BAD_PLANS):
        path = tmp_path / f"bad-{n}.yaml"
        path.write_bytes(raw)
        result = runner.invoke(main, ["--db", db, "--instance", str(tmp_path), "import",
                                      str(path)])
        assert result.exit_code == 2, (raw[:80], result.output, result.exception)
        assert "refused" in result.output and "line" in result.output, result.output
    import sqlite3

    with sqlite3.connect(parse_database_url(db).es_env["SQLITE_DBNAME"]) as conn:
        assert conn.execute("SELECT count(*) FROM stored_events").fetchone() == (0,)
    missing = runner.invoke(main, ["--db", db, "import", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "nope.yaml" in missing.output
