"""API tokens expire, are listed and revoked one at a time (CLI and account page) and die with a
password change; `users enable` and an administrator's password reset."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from flask import Flask
from webfixtures import *  # noqa: F403
from webfixtures import api_token, bearer, csrf_token, login, password_of, services_of

from tracker.accounts import tokens_table
from tracker.cli import main
from tracker.errors import NotFoundError, ValidationError


def test_a_token_stops_working_when_it_expires(seeded_app: Flask) -> None:
    accounts = services_of(seeded_app).accounts
    token = accounts.new_token("member", days=1)
    client = seeded_app.test_client()
    assert client.get("/api/plans", headers=bearer(token)).status_code == 200
    with accounts.engine.begin() as conn:
        conn.execute(tokens_table.update().values(
            expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert client.get("/api/plans", headers=bearer(token)).status_code == 401
    assert accounts.tokens("member")[0].expired(datetime.now(UTC))


def test_token_lifetime_and_label_are_checked(seeded_app: Flask) -> None:
    accounts = services_of(seeded_app).accounts
    for days in (0, 367, -1):
        with pytest.raises(ValidationError):
            accounts.new_token("member", days=days)
    with pytest.raises(ValidationError):
        accounts.new_token("member", label="a\r\nb")


def test_one_token_is_revoked_and_the_others_keep_working(seeded_app: Flask) -> None:
    accounts = services_of(seeded_app).accounts
    first_id, first = accounts.issue_token("member", label="one")
    _, second = accounts.issue_token("member", label="two")
    assert [t.label for t in accounts.tokens("member")] == ["two", "one"]
    accounts.revoke_token("member", first_id)
    client = seeded_app.test_client()
    assert client.get("/api/plans", headers=bearer(first)).status_code == 401
    assert client.get("/api/plans", headers=bearer(second)).status_code == 200
    with pytest.raises(NotFoundError):
        accounts.revoke_token("leader", first_id)


def test_tokens_die_when_the_password_changes(seeded_app: Flask) -> None:
    token = api_token(seeded_app, "member")
    client = seeded_app.test_client()
    login(client, "member")
    response = client.post("/password", data={
        "current": password_of("member"), "new": "brand-new-2012", "confirm": "brand-new-2012",
        "csrf_token": csrf_token(client, "/password")})
    assert response.status_code == 302
    assert client.get("/api/plans", headers=bearer(token)).status_code == 401


def test_the_account_page_issues_lists_and_revokes_tokens(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    login(client, "member")
    token = csrf_token(client, "/account")
    issued = client.post("/account/tokens", data={"label": "报表脚本", "days": "30",
                                                  "csrf_token": token})
    html = issued.get_data(as_text=True)
    assert issued.status_code == 201 and "报表脚本" in html
    new = re.search(r"trk_[A-Za-z0-9_-]+", html)
    assert new and client.get("/api/plans", headers=bearer(new.group(0))).status_code == 200
    token_id = services_of(seeded_app).accounts.tokens("member")[0].id
    other = seeded_app.test_client()
    login(other, "other")
    assert other.post(f"/account/tokens/{token_id}/revoke",
                      data={"csrf_token": csrf_token(other, "/account")}).status_code == 404
    revoked = client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": token})
    assert revoked.status_code == 302
    assert client.get("/api/plans", headers=bearer(new.group(0))).status_code == 401
    bad = client.post("/account/tokens", data={"days": "99999", "csrf_token": token})
    assert bad.status_code == 422


def cli(tmp_path: Path, db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--instance", str(tmp_path / "inst"), "--db", db, *args])
    return result.exit_code, result.stdout, result.stderr


def test_users_tokens_revoke_enable_and_password_commands(tmp_path: Path,
                                                          database_url: str) -> None:
    assert cli(tmp_path, database_url, "users", "add", "ann", "--role", "viewer",
               "--password", "amber-violin-kettle")[0] == 0
    code, token, _ = cli(tmp_path, database_url, "users", "token", "ann", "--days", "7",
                         "--label", "ci")
    assert code == 0 and token.startswith("trk_")
    code, out, _ = cli(tmp_path, database_url, "users", "tokens", "ann")
    assert code == 0 and "ci" in out and "valid" in out and "1 tokens" in out
    token_id = out.splitlines()[1].split()[0]
    assert cli(tmp_path, database_url, "users", "revoke", "ann", token_id)[0] == 0
    assert "0 tokens" in cli(tmp_path, database_url, "users", "tokens", "ann")[1]
    assert cli(tmp_path, database_url, "users", "revoke", "ann", token_id)[0] == 2
    assert cli(tmp_path, database_url, "users", "disable", "ann")[0] == 0
    assert cli(tmp_path, database_url, "users", "enable", "ann")[0] == 0
    assert "active" in cli(tmp_path, database_url, "users", "list")[1]
    assert cli(tmp_path, database_url, "users", "password", "ann", "--password",
               "12345678")[0] == 2
    assert cli(tmp_path, database_url, "users", "password", "ann", "--password",
               "quiet-harbor-pencil")[0] == 0
    from tracker.accounts import Accounts, make_engine
    from tracker.storage import parse_database_url

    engine = make_engine(parse_database_url(database_url))
    try:
        accounts = Accounts(engine)
        assert accounts.authenticate("ann", "quiet-harbor-pencil") is not None
        assert accounts.authenticate("ann", "amber-violin-kettle") is None
    finally:
        engine.dispose()


def test_an_older_database_gains_the_token_columns(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE api_tokens (id INTEGER PRIMARY KEY, account_id "
                             "INTEGER NOT NULL, token_hash VARCHAR(64) NOT NULL UNIQUE, "
                             "created_at DATETIME NOT NULL)"))
    from tracker.accounts import Accounts

    Accounts(engine).create_tables()
    columns = {c["name"] for c in sa.inspect(engine).get_columns("api_tokens")}
    assert {"expires_at", "label"} <= columns
    engine.dispose()
