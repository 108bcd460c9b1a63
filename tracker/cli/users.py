"""Account commands: tracker users add|list|disable|enable|password|token|tokens|revoke."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from tracker.accounts import Accounts, make_engine
from tracker.accounts.audit import Account, record
from tracker.accounts.tokens import DEFAULT_DAYS, MAX_DAYS
from tracker.cli import Context, fail, handles_errors, main, pass_ctx
from tracker.permissions import ACCOUNT_ROLES
from tracker.storage import parse_database_url


def accounts_of(ctx: Context) -> Accounts:
    """The accounts over the context's database (tables created when missing)."""
    cached = getattr(ctx, "_accounts", None)
    if cached is None:
        engine = make_engine(parse_database_url(ctx.settings.database_url))
        cached = Accounts(engine)
        cached.create_tables()
        ctx._accounts = cached  # type: ignore[attr-defined]
        click.get_current_context().call_on_close(engine.dispose)
    return cached


@main.group()
def users() -> None:
    """Accounts that can sign in and use the API."""


@users.command("add")
@click.argument("login")
@click.option("--role", required=True, type=click.Choice(ACCOUNT_ROLES), help="Account role.")
@click.option("--person", metavar="KEY", help="The person this account acts as (a key).")
@click.option("--password", help="The password (asked for, hidden, when not given).")
@pass_ctx
@handles_errors
def users_add(ctx: Context, login: str, role: str, person: str | None,
              password: str | None) -> None:
    """Create an account."""
    if person:
        ctx.app.check_person(person)
    elif role == "member":
        fail("Error: a member account needs --person (the person whose items it acts on).")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = accounts_of(ctx).add(login, role, person=person, password=password)
    click.echo(f"Account {user.login} ({user.role}{', ' + user.person if user.person else ''}) "
               "created.")


@users.command("list")
@pass_ctx
@handles_errors
def users_list(ctx: Context) -> None:
    """A table of accounts: login, role, person, whether active."""
    rows = [(u.login, u.role, u.person or "-", "active" if u.active else "disabled")
            for u in accounts_of(ctx).list()]
    header = ("login", "role", "person", "state")
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    for row in [header, *rows]:
        click.echo("  ".join(c.ljust(widths[i]) for i, c in enumerate(row)).rstrip())
    click.echo(f"{len(rows)} accounts")


@users.command("disable")
@click.argument("login")
@pass_ctx
@handles_errors
def users_disable(ctx: Context, login: str) -> None:
    """Stop an account: no sign-in, its sessions and tokens end."""
    accounts_of(ctx).disable(login)
    record(ctx.app, Account.Disabled, "user:system", login)
    click.echo(f"Account {login} disabled.")


@users.command("enable")
@click.argument("login")
@pass_ctx
@handles_errors
def users_enable(ctx: Context, login: str) -> None:
    """Let a disabled account sign in again (its old sessions and tokens stay ended)."""
    accounts_of(ctx).enable(login)
    record(ctx.app, Account.Enabled, "user:system", login)
    click.echo(f"Account {login} enabled.")


@users.command("password")
@click.argument("login")
@click.option("--password", help="The new password (asked for, hidden, when not given).")
@pass_ctx
@handles_errors
def users_password(ctx: Context, login: str, password: str | None) -> None:
    """Reset an account's password (an administrator's reset): its sessions and tokens end."""
    accounts = accounts_of(ctx)
    accounts.get(login)
    if password is None:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    accounts.set_password(login, None, password)
    record(ctx.app, Account.PasswordChanged, "user:system", login, by="system")
    click.echo(f"Password of {login} reset; its sessions and API tokens ended.")


@users.command("token")
@click.argument("login")
@click.option("--days", type=click.IntRange(1, MAX_DAYS), default=DEFAULT_DAYS, show_default=True,
              help="How many days the token works.")
@click.option("--label", default="", help="A name to tell the token apart in lists.")
@pass_ctx
@handles_errors
def users_token(ctx: Context, login: str, days: int, label: str) -> None:
    """Print a new API token for the account (shown this once; only its hash is kept)."""
    token_id, token = accounts_of(ctx).issue_token(login, days, label)
    record(ctx.app, Account.TokenIssued, "user:system", login, token=token_id)
    click.echo(token)


@users.command("tokens")
@click.argument("login")
@pass_ctx
@handles_errors
def users_tokens(ctx: Context, login: str) -> None:
    """The account's API tokens: id, label, created, expires, state."""
    now = datetime.now(UTC)
    rows = [(str(t.id), t.label or "-", f"{t.created_at:%Y-%m-%d %H:%M}",
             f"{t.expires_at:%Y-%m-%d}" if t.expires_at else "never",
             "expired" if t.expired(now) else "valid") for t in accounts_of(ctx).tokens(login)]
    header = ("id", "label", "created", "expires", "state")
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    for row in [header, *rows]:
        click.echo("  ".join(c.ljust(widths[i]) for i, c in enumerate(row)).rstrip())
    click.echo(f"{len(rows)} tokens")


@users.command("revoke")
@click.argument("login")
@click.argument("token_id", type=click.IntRange(1, 2**31 - 1))
@pass_ctx
@handles_errors
def users_revoke(ctx: Context, login: str, token_id: int) -> None:
    """Revoke one API token of the account (its id from `tracker users tokens`)."""
    accounts_of(ctx).revoke_token(login, token_id)
    record(ctx.app, Account.TokenRevoked, "user:system", login, token=token_id)
    click.echo(f"Token {token_id} of {login} revoked.")
