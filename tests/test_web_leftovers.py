"""One redirect guard, explicit areas, htmx headers read through htmx-flask."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import csrf_token

from web.blueprints import AREAS
from web.items.ui import current_url, wants_fragment


@pytest.mark.parametrize("target", ["/\t/evil.example", "//evil.example", "/\\evil.example",
                                    "https://evil.example/", "/\n/evil.example"])
def test_the_language_switch_never_redirects_off_the_site(client: FlaskClient,
                                                           target: str) -> None:
    token = csrf_token(client, "/login")
    response = client.post("/language", data={"lang": "en", "next": target,
                                              "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "http://localhost/")


def test_the_language_switch_returns_to_a_page_of_the_site(client: FlaskClient) -> None:
    token = csrf_token(client, "/login")
    response = client.post("/language", data={"lang": "en", "next": "/login?x=1",
                                              "csrf_token": token})
    assert response.headers["Location"].endswith("/login?x=1")


def test_every_area_is_registered_and_there_is_no_admin_area(seeded_app: Flask) -> None:
    assert {area.bp.name for area in AREAS} <= set(seeded_app.blueprints)
    assert "admin" not in seeded_app.blueprints


def test_htmx_requests_are_recognised_through_htmx_flask(seeded_app: Flask) -> None:
    headers = {"HX-Request": "true", "HX-Current-URL": "http://localhost/plans/web/board"}
    with seeded_app.test_request_context(headers=headers):
        assert wants_fragment() and current_url() == "http://localhost/plans/web/board"
    with seeded_app.test_request_context(headers={**headers, "HX-Boosted": "true"}):
        assert not wants_fragment()
    with seeded_app.test_request_context():
        assert not wants_fragment() and current_url() is None
