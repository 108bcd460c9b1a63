"""Hypothesis over every page route: random form fields on every POST (with a valid CSRF token,
as an administrator and as a member) and random query strings on every GET never answer 500."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from webfixtures import PLAN_KEY, csrf_token, login, make_web_app, seed, services_of
from werkzeug.routing import Rule

FIELDS = ["note", "reason", "text", "title", "deliverable", "description", "due", "new_due",
          "owner", "lead_unit", "units", "percent", "expected_version", "grant", "on",
          "outcome", "evidence", "lang", "next", "label", "days", "plan", "q", "offset",
          "status", "phase", "goal", "light", "as_of", "after", "sort", "desc", "version",
          "kind", "key", "self", "superior", "command", "actor", "item", "current", "new",
          "confirm", "username", "password", "since", "until", "event_type", "format"]
NASTY = st.sampled_from(["9" * 30, "-1", "0", "1e999", "NaN", "2012-02-30", "99999-01-01",
                         "\r\n", "\x00", "a" * 100_000, "/\t/evil.example", "//evil.example",
                         "true", "[]", "{}", "sha256:" + "0" * 64 + " x\r.pdf"])
VALUES = st.one_of(st.text(st.characters(exclude_categories=("Cs",)), max_size=40), NASTY)
FORMS = st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=6)
SKIP_GET = {"static", "api.audit", "audit.export"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    tmp = tmp_path_factory.mktemp("fuzz-forms")
    application = make_web_app(f"sqlite:///{tmp / 'tracker.db'}", tmp / "instance",
                               WEBHOOKS_ENABLED=False)
    seed(application)
    yield application
    services_of(application).close()


def url_for_rule(app: Flask, rule: Rule) -> str:
    item = services_of(app).queries.board(PLAN_KEY)[0]["id"]
    values = {"item_id": item, "plan_key": PLAN_KEY, "key": PLAN_KEY, "plan": PLAN_KEY,
              "person": "owner", "unit": "u1", "sha256": "0" * 64, "fmt": "csv",
              "name": "htmx.min.js", "token_id": 1, "command": "start", "hook_id": 1,
              "n": 1, "version": 1, "view_id": 1}
    args = {a: values.get(a, "x") for a in rule.arguments}
    built = rule.build(args, append_unknown=False)
    assert built is not None
    return built[1]


def page_rules(app: Flask, method: str) -> list[Rule]:
    return [r for r in app.url_map.iter_rules() if method in (r.methods or set())
            and not r.rule.startswith("/api/") and r.endpoint not in SKIP_GET
            and r.endpoint not in ("auth.logout",)]


@pytest.mark.slow
@pytest.mark.parametrize("who", ["admin", "member"])
def test_random_forms_on_every_page_post_never_answer_500(app: Flask, who: str) -> None:
    client: FlaskClient = app.test_client()
    login(client, who)
    state = {"token": csrf_token(client, "/password")}
    failures: list[str] = []
    for rule in page_rules(app, "POST"):
        url = url_for_rule(app, rule)

        @given(form=FORMS, htmx=st.booleans(), url=st.just(url))
        @settings(max_examples=15, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(form: dict[str, Any], htmx: bool, url: str) -> None:
            headers = {"HX-Request": "true"} if htmx else {}
            response = client.post(url, data={**form, "csrf_token": state["token"]},
                                   headers=headers)
            if response.status_code >= 500:
                failures.append(f"POST {url} {form!r:.300} → {response.status_code}")

        run()
        if client.get("/password").status_code != 200:  # a form signed us out: sign in again
            login(client, who)
            state["token"] = csrf_token(client, "/password")
    assert not failures, "\n".join(failures[:10])


@pytest.mark.slow
def test_random_query_strings_on_every_page_get_never_answer_500(app: Flask) -> None:
    client: FlaskClient = app.test_client()
    login(client, "admin")
    failures: list[str] = []
    for rule in page_rules(app, "GET"):
        url = url_for_rule(app, rule)

        @given(query=FORMS, htmx=st.booleans(), url=st.just(url))
        @settings(max_examples=15, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(query: dict[str, Any], htmx: bool, url: str) -> None:
            headers = {"HX-Request": "true"} if htmx else {}
            response = client.get(url, query_string=query, headers=headers)
            if response.status_code >= 500:
                failures.append(f"GET {url} {query!r:.300} → {response.status_code}")

        run()
    assert not failures, "\n".join(failures[:10])
