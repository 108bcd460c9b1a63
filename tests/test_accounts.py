"""Accounts and tokens (tracker.accounts) and the `tracker users` commands, on SQLite and PG."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from click.testing import CliRunner

from tracker.accounts import (
    Accounts,
    DuplicateLoginError,
    UnknownAccountError,
    WrongPasswordError,
    accounts_table,
    make_engine,
    token_digest,
    tokens_table,
)
from tracker.cli import main
from tracker.errors import ValidationError
from tracker.permissions import Actor
from tracker.storage import Store

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def accounts(store: Store) -> Iterator[Accounts]:
    engine = make_engine(store)
    accts = Accounts(engine, hasher=FAST)
    accts.create_tables()
    yield accts
    engine.dispose()


def test_added_account_signs_in_with_its_password_only(accounts: Accounts) -> None:
    accounts.add("ann", "member", person="owner", password="correct horse")
    user = accounts.authenticate("ann", "correct horse")
    assert user is not None and (user.login, user.role, user.person) == ("ann", "member", "owner")
    assert accounts.authenticate("ann", "wrong horse!") is None
    assert accounts.authenticate("nobody", "correct horse") is None


def test_password_is_stored_as_an_argon2id_hash(accounts: Accounts) -> None:
    accounts.add("ann", "viewer", password="correct horse")
    with accounts.engine.connect() as conn:
        stored = conn.execute(sa.select(accounts_table.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored


def test_user_acts_as_its_person_with_its_role(accounts: Accounts) -> None:
    user = accounts.add("lead", "leader", person="chief", password="amber-violin-kettle")
    assert user.actor == Actor(person="chief", role="leader", login="lead")
    assert user.actor.name == "chief"
    nobody = accounts.add("root", "admin", password="amber-violin-kettle")
    assert nobody.actor.name == "user:root"


def test_unknown_role_duplicate_login_and_short_password_are_refused(accounts: Accounts) -> None:
    accounts.add("ann", "member", person="owner", password="amber-violin-kettle")
    with pytest.raises(ValidationError):
        accounts.add("bob", "boss", password="amber-violin-kettle")
    with pytest.raises(DuplicateLoginError):
        accounts.add("ann", "viewer", password="amber-violin-kettle")
    with pytest.raises(ValidationError):
        accounts.add("cat", "viewer", password="short")
    with pytest.raises(ValidationError):
        accounts.add("has space", "viewer", password="amber-violin-kettle")
    assert [u.login for u in accounts.list()] == ["ann"]


def test_disabled_account_cannot_sign_in_nor_use_its_tokens(accounts: Accounts) -> None:
    accounts.add("ann", "member", person="owner", password="amber-violin-kettle")
    token = accounts.new_token("ann")
    before = accounts.get("ann").session_version
    accounts.disable("ann")
    assert accounts.authenticate("ann", "amber-violin-kettle") is None
    assert accounts.user_for_token(token) is None
    assert accounts.get("ann").session_version > before
    with pytest.raises(UnknownAccountError):
        accounts.disable("nobody")


def test_token_is_shown_once_and_stored_only_as_its_digest(accounts: Accounts) -> None:
    accounts.add("ann", "member", person="owner", password="amber-violin-kettle")
    token = accounts.new_token("ann")
    with accounts.engine.connect() as conn:
        stored = conn.execute(sa.select(tokens_table.c.token_hash)).scalar_one()
    assert stored == token_digest(token) and token not in stored
    user = accounts.user_for_token(token)
    assert user is not None and user.login == "ann"
    assert accounts.user_for_token(token + "x") is None
    assert accounts.user_for_token("") is None


def test_password_change_needs_the_old_one_and_ends_other_sessions(accounts: Accounts) -> None:
    user = accounts.add("ann", "member", person="owner", password="amber-violin-kettle")
    with pytest.raises(WrongPasswordError):
        accounts.set_password("ann", "not-it-at-all", "fresh-walnut-lantern")
    changed = accounts.set_password("ann", "amber-violin-kettle", "fresh-walnut-lantern")
    assert changed.get_id() != user.get_id()
    assert accounts.authenticate("ann", "fresh-walnut-lantern") is not None
    assert accounts.authenticate("ann", "amber-violin-kettle") is None


def test_bump_session_changes_the_session_id(accounts: Accounts) -> None:
    user = accounts.add("ann", "viewer", password="amber-violin-kettle")
    accounts.bump_session("ann")
    again = accounts.get_by_id(user.id)
    assert again is not None and again.get_id() == f"{user.id}:{user.session_version + 1}"


# -- the CLI ------------------------------------------------------------------------------------


def cli(tmp_path: Path, db: str, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--instance", str(tmp_path / "inst"), "--db", db, *args],
                                input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_users_commands_add_list_token_disable(tmp_path: Path, database_url: str) -> None:
    assert cli(tmp_path, database_url, "init")[0] == 0
    assert cli(tmp_path, database_url, "demo")[0] == 0
    code, out, _ = cli(tmp_path, database_url, "users", "add", "ann", "--role", "member",
                       "--person", "dean", "--password", "amber-violin-kettle")
    assert code == 0 and "ann" in out
    code, out, _ = cli(tmp_path, database_url, "users", "token", "ann")
    assert code == 0 and out.strip().startswith("trk_")
    code, out, _ = cli(tmp_path, database_url, "users", "list")
    assert code == 0 and "ann" in out and "dean" in out and "leader" in out
    assert cli(tmp_path, database_url, "users", "disable", "ann")[0] == 0
    assert "disabled" in cli(tmp_path, database_url, "users", "list")[1]


def test_users_add_asks_for_the_password_when_not_given(tmp_path: Path, database_url: str) -> None:
    code, out, _ = cli(tmp_path, database_url, "users", "add", "vic", "--role", "viewer",
                       stdin="quiet-harbor-pencil\nquiet-harbor-pencil\n")
    assert code == 0, out
    engine = make_engine(_store(database_url))
    try:
        assert Accounts(engine).authenticate("vic", "quiet-harbor-pencil") is not None
    finally:
        engine.dispose()


@pytest.mark.parametrize("args", [
    ("users", "add", "x", "--role", "boss", "--password", "amber-violin-kettle"),
    ("users", "add", "x", "--role", "member", "--person", "ghost", "--password",
     "amber-violin-kettle"),
    ("users", "add", "x", "--role", "member", "--password", "amber-violin-kettle"),
    ("users", "add", "x", "--role", "viewer", "--password", "short"),
    ("users", "token", "nobody"),
    ("users", "disable", "nobody"),
])
def test_users_commands_fail_with_exit_2_and_change_nothing(
        tmp_path: Path, database_url: str, args: tuple[str, ...]) -> None:
    code, _, err = cli(tmp_path, database_url, *args)
    assert code == 2 and err.strip()
    assert "0 accounts" in cli(tmp_path, database_url, "users", "list")[1]


def test_demo_creates_one_account_per_role_once(tmp_path: Path, database_url: str) -> None:
    code, out, _ = cli(tmp_path, database_url, "demo")
    assert code == 0 and "admin-demo" in out and "viewer-demo" in out
    assert cli(tmp_path, database_url, "demo")[0] == 0
    engine = make_engine(_store(database_url))
    try:
        users = {u.login: u for u in Accounts(engine).list()}
    finally:
        engine.dispose()
    assert {login: (u.role, u.person) for login, u in users.items()} == {
        "admin": ("admin", None), "leader": ("leader", "secretary"),
        "member": ("member", "teachers_secretary"), "viewer": ("viewer", None)}


def _store(url: str) -> Store:
    from tracker.storage import parse_database_url

    return parse_database_url(url)
