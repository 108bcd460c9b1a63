"""The command path through the tracker's Flask app: HTTP command → load, decide, save, apply
the saved events to the read models, render the item fragment. Falls back (and says so) when
parts of the web layer are not there yet. The time each command spends updating the read
models (``Services.sync``) is kept apart in ``sync_seconds``."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from argon2 import PasswordHasher

HTMX_RULE = "/items/<item_id>/commands/<command>"
API_RULE = "/api/items/<item_id>/<command>"
LOGIN, PASSWORD = "bench", "bench-password-1234"
# The hidden field the item page's forms carry besides the version: which actions the page shows
# (web.items.keep); a browser posts it with every command.
ACTIONS_KEY = re.compile(r'name="actions_key" value="([0-9a-f]+)"')


def bench_app(url: str, instance: Path, login: str, password: str) -> Any:
    """The tracker's Flask app on the store at url, with an administrator account (login,
    password) hashed cheaply: what the bench's web measurements sign in with."""
    from web import create_app

    # Each store's default: on PostgreSQL the web process applies its own commands' events
    # and leaves the rest to the projection process.
    app = create_app({"DATABASE_URL": url, "INSTANCE": str(instance), "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    accounts = app.extensions["tracker"].accounts
    accounts.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    if accounts.find(login) is None:
        accounts.add(login, "admin", person=None, password=password)
    return app


class CommandPath:
    """A callable that runs command i through the best web path available."""

    def __init__(self, url: str, instance: Path, item_ids: list[UUID]) -> None:
        self.item_ids = item_ids
        self.path = ""
        self.note = ""
        self.services: Any = None
        self.sync_seconds: list[float] = []  # per command: the read models' update
        self.call: Callable[[int], int] = self._build(url, instance)
        self._time_sync()

    def _time_sync(self) -> None:
        """Time every Services.sync call (the read-model update inside a command)."""
        if self.services is None:
            return
        sync = self.services.sync

        def timed_sync(saved: Any) -> None:
            began = time.perf_counter()
            try:
                sync(saved)
            finally:
                self.sync_seconds.append(time.perf_counter() - began)

        self.services.sync = timed_sync

    def versions(self, engine: sa.Engine) -> dict[str, int]:
        from projections import tables as t

        wanted = [str(i) for i in self.item_ids]
        with engine.connect() as conn:
            rows = conn.execute(sa.select(t.board.c.id, t.board.c.version)
                                .where(t.board.c.id.in_(wanted)))
            return {str(k): int(v) for k, v in rows.tuples()}

    def _build(self, url: str, instance: Path) -> Callable[[int], int]:
        try:
            app = bench_app(url, instance, LOGIN, PASSWORD)
        except Exception as e:  # the web layer is being written by others
            self.note = f"create_app failed ({type(e).__name__}: {e}); measured Services.run " \
                        "without HTTP or rendering"
            return self._services_only(url, instance)
        self.services = app.extensions["tracker"]
        client = app.test_client()
        rules = {r.rule for r in app.url_map.iter_rules()}
        versions = self.versions(self.services.read_models.engine)
        if HTMX_RULE in rules:
            response = client.post("/login", data={"username": LOGIN, "password": PASSWORD})
            if response.status_code in (200, 302, 303) and client.get_cookie("session"):
                self.path = "htmx POST /items/<id>/commands/report (session, fragment)"
                return self._http(client, versions, "/items/{}/commands/report",
                                  {"HX-Request": "true"}, form=True)
            self.note = f"sign-in answered {response.status_code}; "
        if API_RULE in rules:
            token = self.services.accounts.new_token(LOGIN)
            self.path = "JSON API POST /api/items/<id>/report (bearer token)"
            return self._http(client, versions, "/api/items/{}/report",
                              {"Authorization": f"Bearer {token}"}, form=False)
        self.note += "no HTTP command route; measured services().run in a request context"
        return self._in_request(app)

    def _http(self, client: Any, versions: dict[str, int], pattern: str,
              headers: dict[str, str], form: bool) -> Callable[[int], int]:
        # The form posts what the item page's report form carries: read from each item's page
        # once, before timing, then from the answers (which give a new one when it changed).
        shown: dict[str, str] = {}
        if form:
            for key in versions:
                found = ACTIONS_KEY.search(client.get(f"/items/{key}").get_data(as_text=True))
                if found:
                    shown[key] = found.group(1)

        def call(i: int) -> int:
            key = str(self.item_ids[i % len(self.item_ids)])
            values: dict[str, Any] = {"note": f"进展 {i}", "percent": i % 100,
                                      "expected_version": versions[key]}
            if key in shown:
                values["actions_key"] = shown[key]
            if form:
                response = client.post(pattern.format(key), headers=headers,
                                       data={k: str(v) for k, v in values.items()})
            else:
                response = client.post(pattern.format(key), headers=headers, json=values)
            if response.status_code not in (200, 201):
                raise RuntimeError(f"{pattern} answered {response.status_code}: "
                                   f"{response.get_data(as_text=True)[:300]}")
            versions[key] += 1
            if form and (found := ACTIONS_KEY.search(response.get_data(as_text=True))):
                shown[key] = found.group(1)
            return len(response.data)

        return call

    def _in_request(self, app: Any) -> Callable[[int], int]:
        from tracker.permissions import SYSTEM

        def call(i: int) -> int:
            key = str(self.item_ids[i % len(self.item_ids)])
            with app.test_request_context():
                self.services.run(key, "report", SYSTEM, note=f"进展 {i}", percent=i % 100)
            return 0

        self.path = "services().run in a request context (no HTTP, no rendering)"
        return call

    def _services_only(self, url: str, instance: Path) -> Callable[[int], int]:
        from tracker.config import Settings
        from tracker.permissions import SYSTEM
        from web.services import Services

        self.services = Services(Settings.load(instance, url), {})

        def call(i: int) -> int:
            key = str(self.item_ids[i % len(self.item_ids)])
            self.services.run(key, "report", SYSTEM, note=f"进展 {i}", percent=i % 100)
            return 0

        self.path = "Services.run (load, decide, save, apply; no HTTP, no rendering)"
        return call

    def close(self) -> None:
        if self.services is not None:
            self.services.close()
