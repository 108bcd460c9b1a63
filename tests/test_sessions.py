"""Sessions end when idle or too old; a trusted proxy's HTTPS makes the cookie Secure and
sends HSTS; private pages are never cached; a 405 names the allowed methods."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import PLAN_KEY, login, make_web_app, password_of, seed, services_of


def signed_in(client: FlaskClient) -> bool:
    return client.get("/password").status_code == 200


def at(app: Flask, hours: float) -> None:
    """Move the sessions' clock `hours` from now."""
    moment = time.time() + hours * 3600
    app.config["AUTH_CLOCK"] = lambda: moment


def test_a_session_idle_for_more_than_eight_hours_ends(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    login(client, "member")
    at(seeded_app, 7.9)
    assert signed_in(client)
    at(seeded_app, 7.9 + 8.1)
    assert not signed_in(client)


def test_an_active_session_still_ends_at_its_absolute_lifetime(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    login(client, "member")
    for hour in range(1, 24):
        at(seeded_app, hour)
        assert signed_in(client), hour
    at(seeded_app, 24.1)
    assert not signed_in(client)


def test_the_idle_timeout_is_configurable(database_url: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_SESSION_IDLE_HOURS", "0.5")
    app = make_web_app(database_url, tmp_path / "inst")
    try:
        seed(app)
        client = app.test_client()
        login(client, "member")
        at(app, 0.6)
        assert not signed_in(client)
    finally:
        services_of(app).close()


@pytest.fixture
def proxied(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
            ) -> Iterator[Flask]:
    monkeypatch.setenv("TRACKER_TRUSTED_PROXIES", "1")
    app = make_web_app(database_url, tmp_path / "proxied")
    seed(app)
    yield app
    services_of(app).close()


FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.20",
             "X-Forwarded-Host": "tracker.example"}


def proxied_login(client: FlaskClient, headers: dict[str, str]) -> tuple[str, str | None]:
    import re

    page = client.get("/login", headers=headers).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match
    response = client.post("/login", headers={**headers, "Referer": "https://tracker.example/"},
                           data={"username": "member", "password": password_of("member"),
                                 "csrf_token": match.group(1)})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    return cookie, response.headers.get("Strict-Transport-Security")


def test_behind_a_trusted_tls_proxy_the_cookie_is_secure_and_hsts_is_sent(proxied: Flask) -> None:
    cookie, hsts = proxied_login(proxied.test_client(), FORWARDED)
    assert "Secure" in cookie and hsts and "max-age=" in hsts


def test_forwarded_headers_are_ignored_unless_a_proxy_is_trusted(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    response = client.get("/login", headers=FORWARDED)
    assert "Strict-Transport-Security" not in response.headers


def test_behind_a_trusted_proxy_the_throttle_sees_the_real_client(proxied: Flask) -> None:
    for n in range(10):
        client = proxied.test_client()
        client.post("/login", headers={"X-Forwarded-For": "198.51.100.66"},
                    data={"username": f"x{n}", "password": "wrong"})
    with services_of(proxied).accounts.engine.connect() as conn:
        from tracker.accounts.model import attempts_table

        clients = {r.client for r in conn.execute(attempts_table.select())}
    assert clients <= {"198.51.100.66"}


def test_private_pages_are_not_cached(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    login(client, "member")
    item = services_of(seeded_app).queries.board(PLAN_KEY)[0]["id"]
    for url in ("/", f"/?plan={PLAN_KEY}", f"/items/{item}", "/reports/leaders", "/password",
                "/account", "/audit", "/login"):
        response = client.get(url)
        assert response.status_code < 400, url
        assert response.headers.get("Cache-Control") == "no-store", url


def test_method_not_allowed_names_the_allowed_methods(client: FlaskClient) -> None:
    page = client.get("/logout")
    assert page.status_code == 405 and "POST" in page.headers["Allow"]
    api = client.put("/api/health")
    assert api.status_code == 405 and "GET" in api.headers["Allow"]
    assert api.get_json()["error"] == "method_not_allowed"


def session_cookies(client: FlaskClient) -> list[str]:
    """The session cookies the answer to a page request sets."""
    response = client.get("/password")
    assert response.status_code == 200
    return [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]


def test_the_session_cookie_is_rewritten_at_most_once_a_minute_while_in_use(
        seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    login(client, "member")
    at(seeded_app, 0)
    session_cookies(client)
    assert session_cookies(client) == []  # used again within the minute: nothing to rewrite
    at(seeded_app, 0.02)  # over a minute later
    assert len(session_cookies(client)) == 1
    assert session_cookies(client) == []
    at(seeded_app, 7.9)
    assert signed_in(client)
