"""API tokens: issued with an expiry, listed, revoked one at a time; only a digest is kept."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from tracker.accounts.model import (
    TOKEN_PREFIX,
    AccountError,
    User,
    accounts_table,
    token_digest,
    tokens_table,
)
from tracker.errors import N_, NotFoundError, ValidationError

DEFAULT_DAYS = 90
MAX_DAYS = 366
LABEL_MAX = 100


@dataclass(frozen=True)
class Token:
    """What is known of an issued token (never the token itself)."""

    id: int
    label: str
    created_at: datetime
    expires_at: datetime | None

    def expired(self, now: datetime) -> bool:
        """Whether the token no longer works."""
        return self.expires_at is not None and _aware(self.expires_at) <= now


class TokenStore:
    """The token half of Accounts (mixed into it)."""

    engine: sa.Engine

    def get(self, login: str) -> User:
        """The account with this login (Accounts provides it)."""
        raise NotImplementedError

    def new_token(self, login: str, days: int = DEFAULT_DAYS,
                  label: str | None = None) -> str:
        """A new API token valid for `days`, returned once; only its digest is kept."""
        return self.issue_token(login, days, label)[1]

    def issue_token(self, login: str, days: int = DEFAULT_DAYS,
                    label: str | None = None) -> tuple[int, str]:
        """A new API token and its id (the token is shown once; only its digest is kept)."""
        user = self.get(login)
        if not user.active:
            raise AccountError(N_("The account %(login)s is disabled."), login=login)
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
            raise ValidationError(N_("A token lasts 1 to %(n)s days."), n=MAX_DAYS)
        label = (label or "").strip()
        if len(label) > LABEL_MAX or any(not c.isprintable() for c in label):
            raise ValidationError(N_("A token's label is at most %(n)s printable characters."),
                                  n=LABEL_MAX)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            key = conn.execute(tokens_table.insert().values(
                account_id=user.id, token_hash=token_digest(token), created_at=now,
                expires_at=now + timedelta(days=days), label=label or None)).inserted_primary_key
        assert key is not None
        return int(key[0]), token

    def tokens(self, login: str) -> list[Token]:
        """The account's tokens, newest first (expired ones included, marked by expires_at)."""
        user = self.get(login)
        t = tokens_table.c
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t.id, t.label, t.created_at, t.expires_at).where(
                t.account_id == user.id).order_by(t.id.desc())).mappings().all()
        return [Token(r["id"], r["label"] or "", r["created_at"], r["expires_at"]) for r in rows]

    def revoke_token(self, login: str, token_id: int) -> None:
        """Delete one token of the account."""
        user = self.get(login)
        t = tokens_table.c
        with self.engine.begin() as conn:
            gone = conn.execute(tokens_table.delete().where(
                t.id == token_id, t.account_id == user.id)).rowcount
        if not gone:
            raise NotFoundError(N_("There is no %(what)s %(key)s."), what="token", key=token_id)

    def user_for_token(self, token: str) -> User | None:
        """The active account that owns this unexpired token, or None."""
        if not token or len(token) > 200:
            return None
        query = (sa.select(accounts_table, tokens_table.c.expires_at).join(
            tokens_table, tokens_table.c.account_id == accounts_table.c.id)
            .where(tokens_table.c.token_hash == token_digest(token)))
        with self.engine.connect() as conn:
            row: Any = conn.execute(query).mappings().first()
        if row is None or not row["active"]:
            return None
        if row["expires_at"] is not None and _aware(row["expires_at"]) <= datetime.now(UTC):
            return None
        from tracker.accounts.store import _user

        return _user(row)

    def revoke_tokens(self, login: str) -> int:
        """Delete every token of the account; returns how many there were."""
        user = self.get(login)
        with self.engine.begin() as conn:
            return int(conn.execute(tokens_table.delete().where(
                tokens_table.c.account_id == user.id)).rowcount)


def _aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back: they are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
