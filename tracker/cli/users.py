"""Account commands: tracker users add|list|disable|token."""

from __future__ import annotations

import click

from tracker.accounts import Accounts, make_engine
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
    click.echo(f"Account {login} disabled.")


@users.command("token")
@click.argument("login")
@pass_ctx
@handles_errors
def users_token(ctx: Context, login: str) -> None:
    """Print a new API token for the account (shown this once; only its hash is kept)."""
    token = accounts_of(ctx).new_token(login)
    click.echo(token)
