"""Accounts: who may sign in, with which role and as which person; API tokens.

Accounts live in their own tables beside the read models (never in events): a password or a
token is not history. Passwords are hashed with argon2id, tokens kept only as SHA-256.
"""

from tracker.accounts.demo import DEMO_ACCOUNTS, ensure_demo_accounts
from tracker.accounts.model import (
    AccountError,
    DuplicateLoginError,
    UnknownAccountError,
    User,
    WrongPasswordError,
    accounts_table,
    make_engine,
    metadata,
    token_digest,
    tokens_table,
)
from tracker.accounts.store import Accounts

__all__ = [
    "DEMO_ACCOUNTS", "AccountError", "Accounts", "DuplicateLoginError", "UnknownAccountError",
    "User", "WrongPasswordError", "accounts_table", "ensure_demo_accounts", "make_engine",
    "metadata", "token_digest", "tokens_table",
]
