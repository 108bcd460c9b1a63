"""Reusable web fixtures: the Flask app on the test's database, a seeded plan with one person
and one account per role, and sign-in helpers.

Use them from a test module with ``from webfixtures import *  # noqa: F403`` (or import the
names you need); every fixture runs over SQLite and PostgreSQL through ``database_url``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tracker.importer import import_plan
from tracker.permissions import SYSTEM
from tracker.planfile import parse_plan_file
from web import create_app
from web.services import Services

PLAN_KEY = "web"
SEED_PLAN = """\
plan:
  key: web
  title: 网页测试方案
  starts: 2012-01-01
  ends: 2012-12-31
  goals: [{key: G1, title: 提高战斗力}]
  phases: [{key: P1, title: 深入实施, starts: 2012-01-01, ends: 2012-12-31}]
units:
  - {key: u1, name: 第一支部}
  - {key: u2, name: 第二支部}
people:
  - {key: director, name: 管理员, role: group_leader}
  - {key: chief, name: 组长, role: deputy, liaison: [u1]}
  - {key: owner, name: 负责人, role: member}
  - {key: other, name: 另一负责人, role: member}
  - {key: watcher, name: 观察员, role: member}
items:
  - {key: mine, title: 负责人的事项, owner: owner, lead_unit: u1, due: 2012-06-30,
     phase: P1, goal: G1}
  - {key: theirs, title: 别人的事项, owner: other, lead_unit: u2, due: 2012-07-31,
     phase: P1, goal: G1}
  - {key: chiefs, title: 组长的事项, owner: chief, lead_unit: u1, due: 2012-08-31,
     phase: P1, goal: G1}
"""
# login → (role, person)
ACCOUNTS: dict[str, tuple[str, str | None]] = {
    "admin": ("admin", "director"),
    "leader": ("leader", "chief"),
    "member": ("member", "owner"),
    "other": ("member", "other"),
    "viewer": ("viewer", "watcher"),
}
# Cheap hashing keeps the suite fast; production uses argon2id's defaults.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"|name="csrf_token" '
                      r'type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def password_of(login: str) -> str:
    """The seeded account's password."""
    return f"{login}-password"


def services_of(app: Flask) -> Services:
    """The app's services (application, read models, queries, accounts)."""
    return app.extensions["tracker"]  # type: ignore[no-any-return]


class EnglishClient(FlaskClient):
    """A test client whose browser asks for English (tests of the Chinese UI say so)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def make_web_app(database_url: str, instance: Path, **config: Any) -> Flask:
    """A Flask app on the database, projections caught up synchronously, fast hashing."""
    app = create_app({"DATABASE_URL": database_url, "INSTANCE": str(instance), "TESTING": True,
                      "SYNC_PROJECTIONS": True, **config})
    app.test_client_class = EnglishClient
    services_of(app).accounts.hasher = FAST_HASHER
    return app


@pytest.fixture
def web_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An empty web app on the test's database (SQLite or PostgreSQL)."""
    app = make_web_app(database_url, tmp_path / "instance")
    yield app
    services_of(app).close()


def seed(app: Flask) -> None:
    """Import the seed plan and add one account per role (login = role, see ACCOUNTS)."""
    svc = services_of(app)
    result = import_plan(svc.tracker, parse_plan_file(SEED_PLAN), SYSTEM)
    svc.sync(result.notification_id)
    for login, (role, person) in ACCOUNTS.items():
        svc.accounts.add(login, role, person=person, password=password_of(login))


@pytest.fixture
def seeded_app(web_app: Flask) -> Flask:
    """The web app with the seed plan and the accounts admin, leader, member, other, viewer."""
    seed(web_app)
    return web_app


@pytest.fixture
def client(seeded_app: Flask) -> FlaskClient:
    """A test client of the seeded app (not signed in)."""
    return seeded_app.test_client()


def csrf_token(client: FlaskClient, url: str = "/login") -> str:
    """The CSRF token a page at url carries (from its meta tag or a form's hidden field)."""
    response = client.get(url)
    match = _CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({response.status_code})"
    return next(g for g in match.groups() if g)


def login(client: FlaskClient, login: str, password: str | None = None) -> TestResponse:
    """Sign the client in through the form (with its CSRF token); returns the POST response."""
    token = csrf_token(client, "/login")
    return client.post("/login", data={"username": login, "password": password or
                                       password_of(login), "csrf_token": token})


def api_token(app: Flask, login: str) -> str:
    """A new bearer token for the account."""
    return services_of(app).accounts.new_token(login)


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


__all__ = [
    "ACCOUNTS", "PLAN_KEY", "api_token", "bearer", "client", "csrf_token", "login",
    "make_web_app", "password_of", "seed", "seeded_app", "services_of", "web_app",
]
