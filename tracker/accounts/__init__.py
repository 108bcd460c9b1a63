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
from tracker.accounts.policy import PASSWORD_MIN, check_new_password
from tracker.accounts.store import Accounts
from tracker.accounts.throttle import Decision, Throttle, client_key
from tracker.accounts.tokens import Token

__all__ = [
    "DEMO_ACCOUNTS", "PASSWORD_MIN", "AccountError", "Accounts", "Decision",
    "DuplicateLoginError", "Throttle", "Token", "UnknownAccountError", "User",
    "WrongPasswordError", "accounts_table", "check_new_password", "client_key",
    "ensure_demo_accounts", "make_engine", "metadata", "token_digest", "tokens_table",
]
