"""The Accounts store: the only code that reads or writes the account and token tables."""

from __future__ import annotations

import builtins
import secrets
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tracker.accounts.model import (
    LOGIN_MAX,
    TOKEN_COLUMNS_ADDED,
    DuplicateLoginError,
    UnknownAccountError,
    User,
    WrongPasswordError,
    accounts_table,
    metadata,
    tokens_table,
)
from tracker.accounts.policy import check_new_password
from tracker.accounts.throttle import Throttle
from tracker.accounts.tokens import TokenStore
from tracker.errors import N_, ValidationError
from tracker.permissions import ACCOUNT_ROLES

# Every signed-in request loads its account: the statements are built once (building one cost
# more than running it).
BY_ID = sa.select(accounts_table).where(accounts_table.c.id == sa.bindparam("id"))
BY_LOGIN = sa.select(accounts_table).where(accounts_table.c.login == sa.bindparam("login"))


class Accounts(TokenStore):
    """The account, token and sign-in attempt tables, and the only code that touches them."""

    def __init__(self, engine: sa.Engine, hasher: PasswordHasher | None = None) -> None:
        self.engine = engine
        self.hasher = hasher or PasswordHasher()
        self.throttle = Throttle(engine)
        self._dummy_hash: str | None = None

    def create_tables(self) -> None:
        """Create the tables when missing (and the columns an older database lacks)."""
        metadata.create_all(self.engine)
        have = {c["name"] for c in sa.inspect(self.engine).get_columns(tokens_table.name)}
        for name in TOKEN_COLUMNS_ADDED:
            if name not in have:
                column = tokens_table.c[name]
                kind = column.type.compile(dialect=self.engine.dialect)
                with self.engine.begin() as conn:
                    conn.execute(sa.text(
                        f"ALTER TABLE {tokens_table.name} ADD COLUMN {name} {kind}"))

    # -- accounts -----------------------------------------------------------------------------

    def add(self, login: str, role: str, person: str | None = None,
            password: str | None = None, check_policy: bool = True) -> User:
        """Create an account; refuse an unknown role, a login that is taken or a weak password
        (check_policy=False only for the demo's published passwords)."""
        login = self._check_login(login)
        if role not in ACCOUNT_ROLES:
            raise ValidationError(
                N_("Unknown role %(role)s (use admin, leader, member or viewer)."), role=role)
        if person is not None and not person.strip():
            person = None
        if password is not None and check_policy:
            check_new_password(password, (login, person or ""))
        elif password is not None and (not isinstance(password, str) or not password.strip()):
            raise ValidationError(N_("A password cannot be blank or hold control characters."))
        hashed = self.hasher.hash(password) if password is not None else None
        with self.engine.begin() as conn:
            if self._row(conn, login) is not None:
                raise DuplicateLoginError(N_("The login %(login)s is taken."), login=login)
            try:
                conn.execute(accounts_table.insert().values(
                    login=login, role=role, person=person, password_hash=hashed, active=True,
                    session_version=1, created_at=datetime.now(UTC)))
            except sa.exc.IntegrityError:  # a concurrent add of the same login
                raise DuplicateLoginError(N_("The login %(login)s is taken."),
                                          login=login) from None
        return self.get(login)

    def get(self, login: str) -> User:
        """The account with this login."""
        with self.engine.connect() as conn:
            row = self._row(conn, login)
        if row is None:
            raise UnknownAccountError(N_("There is no account %(login)s."), login=login)
        return _user(row)

    def find(self, login: str) -> User | None:
        """The account with this login, or None."""
        with self.engine.connect() as conn:
            row = self._row(conn, login)
        return _user(row) if row is not None else None

    def get_by_id(self, account_id: int) -> User | None:
        """The account with this id, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(BY_ID, {"id": account_id}).mappings().first()
        return _user(row) if row is not None else None

    def list(self) -> builtins.list[User]:
        """Every account, by login."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(accounts_table).order_by(accounts_table.c.login))
            return [_user(r) for r in rows.mappings()]

    def authenticate(self, login: str, password: str) -> User | None:
        """The active account whose password this is, else None (same work either way)."""
        with self.engine.connect() as conn:
            row = self._row(conn, login) if isinstance(login, str) else None
        stored = row["password_hash"] if row is not None else None
        if not stored or not row or not row["active"]:
            self._verify(self._dummy(), password)  # spend the same time: no login oracle
            return None
        if not self._verify(stored, password):
            return None
        if self.hasher.check_needs_rehash(stored):
            self._update(login, password_hash=self.hasher.hash(password))
        return _user(row)

    def disable(self, login: str) -> None:
        """Stop the account signing in or using tokens; its sessions end at once."""
        user = self.get(login)
        self._update(login, active=False, session_version=user.session_version + 1)
        with self.engine.begin() as conn:
            conn.execute(tokens_table.delete().where(tokens_table.c.account_id == user.id))

    def enable(self, login: str) -> None:
        """Let a disabled account sign in again (its old sessions and tokens stay ended)."""
        user = self.get(login)
        self._update(login, active=True, session_version=user.session_version + 1)

    def set_password(self, login: str, old: str | None, new: str) -> User:
        """Change the password (old must match unless None: an administrator resetting it);
        every session and API token of the account ends."""
        user = self.get(login)
        if old is not None and self.authenticate(login, old) is None:
            raise WrongPasswordError(N_("The current password is wrong."))
        hashed = self.hasher.hash(check_new_password(new, (login, user.person or "")))
        self._update(login, password_hash=hashed, session_version=user.session_version + 1)
        self.revoke_tokens(login)
        return self.get(login)

    def check_current(self, login: str, password: str) -> bool:
        """Whether this is the account's current password (a throttled caller's check)."""
        return self.authenticate(login, password) is not None

    def bump_session(self, login: str) -> None:
        """End every session of the account (cookies carry the version they were made with)."""
        with self.engine.begin() as conn:
            conn.execute(accounts_table.update().where(accounts_table.c.login == login).values(
                session_version=accounts_table.c.session_version + 1))

    # -- helpers ------------------------------------------------------------------------------

    @staticmethod
    def _row(conn: sa.Connection, login: str) -> Any:
        return conn.execute(BY_LOGIN, {"login": login}).mappings().first()

    def _update(self, login: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(accounts_table.update().where(
                accounts_table.c.login == login).values(**values))

    def _verify(self, stored: str, password: str) -> bool:
        try:
            return bool(self.hasher.verify(stored, password))
        except (VerificationError, InvalidHashError, TypeError):
            return False

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash(secrets.token_hex(16))
        return self._dummy_hash

    @staticmethod
    def _check_login(login: str) -> str:
        login = (login or "").strip()
        if not login or len(login) > LOGIN_MAX or any(c.isspace() or not c.isprintable()
                                                       for c in login):
            raise ValidationError(N_("A login is 1 to 64 characters without spaces."))
        return login


def _user(row: Any) -> User:
    return User(id=row["id"], login=row["login"], role=row["role"], person=row["person"],
                active=bool(row["active"]), session_version=row["session_version"])


