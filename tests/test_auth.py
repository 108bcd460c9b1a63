"""Sign-in, sign-out, password change, throttling, CSRF, headers and cookie flags."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import PLAN_KEY, csrf_token, login, password_of, services_of
from werkzeug.routing import IntegerConverter, Rule


def signed_in(client: FlaskClient) -> bool:
    """Whether the client's session lets it open a page that needs sign-in."""
    return client.get("/password").status_code == 200


def test_login_page_has_the_form_with_its_csrf_token(client: FlaskClient) -> None:
    page = client.get("/login")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'name="username"' in html and 'name="password"' in html and 'name="csrf_token"' in html


def test_right_password_signs_in_and_redirects_to_next(client: FlaskClient) -> None:
    token = csrf_token(client)
    response = client.post("/login?next=/password", data={
        "username": "member", "password": password_of("member"), "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/password"
    assert signed_in(client)


def test_next_pointing_off_site_is_ignored(client: FlaskClient) -> None:
    token = csrf_token(client)
    response = client.post("/login?next=//evil.example/x", data={
        "username": "member", "password": password_of("member"), "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_wrong_password_is_refused_and_logged(client: FlaskClient,
                                              caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="tracker.auth"):
        response = login(client, "member", "not-the-password")
    assert response.status_code == 401
    assert 'class="field-error"' in response.get_data(as_text=True)
    assert not signed_in(client)
    assert any("sign-in failed" in r.getMessage() and "member" in r.getMessage()
               for r in caplog.records)


def test_page_needing_sign_in_redirects_browsers_and_tells_htmx(client: FlaskClient) -> None:
    response = client.get("/password")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    htmx = client.get("/password", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"].startswith("/login")


def test_session_cookie_is_httponly_and_samesite_lax(client: FlaskClient) -> None:
    response = login(client, "member")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_over_https(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    token = csrf_token_https(client)
    response = client.post("/login", base_url="https://localhost", data={
        "username": "member", "password": password_of("member"), "csrf_token": token},
        headers={"Referer": "https://localhost/login"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert "Strict-Transport-Security" in response.headers


def csrf_token_https(client: FlaskClient) -> str:
    import re

    html = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_pages_carry_the_security_headers(client: FlaskClient) -> None:
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    script_src = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]


def test_sign_out_revokes_a_cookie_copied_before(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    login(client, "member")
    copied = client.get_cookie("session")
    assert copied is not None and signed_in(client)
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/password")})
    assert response.status_code == 302
    assert not signed_in(client)
    thief = seeded_app.test_client()
    thief.set_cookie("session", copied.value)
    assert not signed_in(thief)


def test_password_change_keeps_this_session_and_ends_the_others(seeded_app: Flask) -> None:
    mine, other = seeded_app.test_client(), seeded_app.test_client()
    login(mine, "member")
    login(other, "member")
    response = mine.post("/password", data={
        "current": password_of("member"), "new": "brand-new-2012", "confirm": "brand-new-2012",
        "csrf_token": csrf_token(mine, "/password")})
    assert response.status_code == 302
    assert signed_in(mine) and not signed_in(other)
    accounts = services_of(seeded_app).accounts
    assert accounts.authenticate("member", "brand-new-2012") is not None


def test_password_change_with_the_wrong_current_password_is_refused(client: FlaskClient) -> None:
    login(client, "member")
    response = client.post("/password", data={
        "current": "not-the-password", "new": "brand-new-2012", "confirm": "brand-new-2012",
        "csrf_token": csrf_token(client, "/password")})
    assert response.status_code == 403
    assert signed_in(client)


def test_disabled_account_loses_its_session(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    login(client, "member")
    services_of(seeded_app).accounts.disable("member")
    assert not signed_in(client)
    assert login(client, "member").status_code == 401


def test_forms_without_csrf_token_are_refused_and_change_nothing(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    login(client, "member")
    accounts = services_of(seeded_app).accounts
    before = accounts.get("member")
    response = client.post("/password", data={
        "current": password_of("member"), "new": "brand-new-2012", "confirm": "brand-new-2012"})
    assert response.status_code == 400
    assert client.post("/logout").status_code == 400
    assert accounts.get("member") == before and signed_in(client)


def build(rule: Rule, values: dict[str, str]) -> tuple[str, str]:
    """A URL for the rule: known arguments from values, numbers for int ones, "x" otherwise."""
    args = {a: values.get(a, 1 if isinstance(rule._converters.get(a), IntegerConverter) else "x")
            for a in rule.arguments}
    url = rule.build(args, append_unknown=False)
    assert url is not None
    return url


def test_every_page_post_without_csrf_token_is_refused_and_records_nothing(
        seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    login(client, "admin")
    svc = services_of(seeded_app)
    item_id = svc.queries.board(PLAN_KEY)[0]["id"]
    values = {"item_id": item_id, "plan_key": PLAN_KEY, "key": PLAN_KEY, "plan": PLAN_KEY}
    head = svc.tracker.recorder.max_notification_id()
    posts = [r for r in seeded_app.url_map.iter_rules() if "POST" in (r.methods or set())
             and not r.rule.startswith("/api/")]
    assert any(r.endpoint == "auth.login" for r in posts)
    for rule in posts:
        url = build(rule, values)
        for headers in ({}, {"HX-Request": "true"}):
            response = client.post(url[1], data={"note": "x", "reason": "x"}, headers=headers)
            assert response.status_code == 400, (rule.rule, response.status_code)
    assert svc.tracker.recorder.max_notification_id() == head
    assert signed_in(client)


def test_no_page_get_changes_anything(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    login(client, "admin")
    svc = services_of(seeded_app)
    item_id = svc.queries.board(PLAN_KEY)[0]["id"]
    values = {"item_id": item_id, "plan_key": PLAN_KEY, "key": PLAN_KEY, "plan": PLAN_KEY}
    head = svc.tracker.recorder.max_notification_id()
    for rule in seeded_app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint in ("static", "api.audit"):
            continue
        url = build(rule, values)
        assert client.get(url[1]).status_code < 500, rule.rule
    assert svc.tracker.recorder.max_notification_id() == head


def test_failed_sign_ins_are_throttled_per_address(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    statuses = [login(client, f"nobody{n}", "wrong-password").status_code for n in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    assert login(client, "member").status_code == 429  # this address waits, even for a right one


def test_failed_sign_ins_on_one_account_back_off_from_every_client(
        seeded_app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    statuses = []
    with caplog.at_level(logging.WARNING, logger="tracker.auth"):
        for n in range(7):
            client = seeded_app.test_client()
            client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n + 1}"
            statuses.append(login(client, "member", "wrong-password").status_code)
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]
    assert any("throttled" in r.getMessage() for r in caplog.records)
    other = seeded_app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.1.1"
    assert login(other, "leader").status_code == 302


def test_successful_sign_ins_are_not_counted(seeded_app: Flask) -> None:
    for _ in range(12):
        client = seeded_app.test_client()
        assert login(client, "member").status_code == 302
