"""Account tables, errors and the User the web signs in (no Flask here)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa

from tracker.errors import NotFoundError, PermissionDeniedError, TrackerError
from tracker.permissions import Actor
from tracker.storage import Store, sql_engine

LOGIN_MAX = 64
TOKEN_PREFIX = "trk_"

metadata = sa.MetaData()
accounts_table = sa.Table(
    "accounts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("login", sa.String(LOGIN_MAX), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("person", sa.String(200), nullable=True),
    sa.Column("password_hash", sa.String(200), nullable=True),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("session_version", sa.Integer, nullable=False, default=1),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
tokens_table = sa.Table(
    "api_tokens", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False,
              index=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("label", sa.String(100), nullable=True),
)
# Columns added after the first release: create_tables adds them to an older database.
TOKEN_COLUMNS_ADDED = ("expires_at", "label")
attempts_table = sa.Table(
    "signin_attempts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("account", sa.String(64), nullable=False, index=True),
    sa.Column("client", sa.String(64), nullable=False, index=True),
    sa.Column("outcome", sa.String(8), nullable=False),  # pending | fail | ok | refused
)
locks_table = sa.Table(
    "signin_locks", metadata,
    sa.Column("key", sa.String(80), primary_key=True),
)


class AccountError(TrackerError):
    """Something about an account cannot be done."""

    code = "account"
    status = 422


class DuplicateLoginError(AccountError):
    """The login is taken."""

    code = "duplicate_login"
    status = 409


class UnknownAccountError(NotFoundError):
    """No account with that login."""


class WrongPasswordError(PermissionDeniedError):
    """The current password given to change it is wrong."""

    code = "wrong_password"


@dataclass(frozen=True)
class User:
    """A signed-in (or signing-in) account; Flask-Login compatible without importing Flask."""

    id: int
    login: str
    role: str
    person: str | None
    active: bool
    session_version: int

    @property
    def actor(self) -> Actor:
        """The domain's view of this user: events name the user's person."""
        return Actor(person=self.person, role=self.role, login=self.login)

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """The session's user id: a sign-out bumps the version, so copied cookies stop working."""
        return f"{self.id}:{self.session_version}"


def token_digest(token: str) -> str:
    """What is stored of a token: its SHA-256."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def make_engine(store: Store) -> sa.Engine:
    """An engine on the store's database (the read models' schema on PostgreSQL)."""
    return sql_engine(store)


