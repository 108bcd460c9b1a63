"""The demo's accounts: one per role, created once and printed for `make run`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker.accounts.model import make_engine
from tracker.accounts.store import Accounts

DEMO_ACCOUNTS = (
    ("admin", "admin", None, "admin-demo"),
    ("leader", "leader", "secretary", "leader-demo"),
    ("member", "member", "teachers_secretary", "member-demo"),
    ("viewer", "viewer", None, "viewer-demo"),
)


# How the sign-in lines name a person's place in the leadership group 领导小组.
ROLE_WORDS = {"group_leader": "group leader 组长", "deputy": "deputy leader 副组长",
              "member": "member 成员"}
NO_PERSON = {"admin": "administrator: sets up plans, people and accounts; stands for no person",
             "viewer": "viewer: reads everything, changes nothing; stands for no person"}


def account_line(login: str, role: str, person: str | None, password: str,
                 person_of: Callable[[str], tuple[str, str] | None], note: str = "") -> str:
    """One demo account as `make run` prints it: login, password, and whom it stands for."""
    found = person_of(person) if person else None
    if found is not None:
        name, place = found
        who = f"{role}: {name}" + (f" ({ROLE_WORDS[place]})" if place in ROLE_WORDS else "")
    else:
        who = NO_PERSON.get(role, role)
    return f"  {login:<7} password {password:<12} — {who}{note}"


def person_finder(app: Any) -> Callable[[str], tuple[str, str] | None]:
    """A person's name and leadership role by key, from the application (None if unknown)."""
    def find(key: str) -> tuple[str, str] | None:
        try:
            person = app.get_person(key)
        except Exception:  # noqa: BLE001 - an account may name a person not (yet) loaded
            return None
        return str(person.name), str(person.role)
    return find


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
            click.echo(account_line(login, role, person, password, person_finder(ctx.app), note))
    finally:
        engine.dispose()
