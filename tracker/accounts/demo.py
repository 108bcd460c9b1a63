"""The demo's accounts: one per role, created once and printed for `make run`."""

from __future__ import annotations

from typing import Any

from tracker.accounts.model import make_engine
from tracker.accounts.store import Accounts

DEMO_ACCOUNTS = (
    ("admin", "admin", None, "admin-demo"),
    ("leader", "leader", "secretary", "leader-demo"),
    ("member", "member", "teachers_secretary", "member-demo"),
    ("viewer", "viewer", None, "viewer-demo"),
)


def ensure_demo_accounts(ctx: Any) -> None:
    """Create one demo account per role (once) and print how to sign in."""
    import click

    from tracker.storage import parse_database_url

    engine = make_engine(parse_database_url(ctx.settings.database_url))
    try:
        accounts = Accounts(engine)
        accounts.create_tables()
        click.echo("Demo accounts (sign in at /login):")
        for login, role, person, password in DEMO_ACCOUNTS:
            if accounts.find(login) is None:
                accounts.add(login, role, person=person, password=password, check_policy=False)
                note = ""
            elif accounts.authenticate(login, password) is None:
                note = "  (password changed since)"
            else:
                note = ""
            click.echo(f"  {login:<8} password {password:<12} role {role}{note}")
    finally:
        engine.dispose()
