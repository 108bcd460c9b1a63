"""Helpers for the board and item page tests: signed-in clients, htmx posts, item ids."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from webfixtures import PLAN_KEY, csrf_token, login
from werkzeug.test import TestResponse

from tracker.domain import item_id

BOARD = f"/plans/{PLAN_KEY}/board"


def sign_in(client: FlaskClient, who: str) -> str:
    """Sign in and return the CSRF token of the new session."""
    response = login(client, who)
    assert response.status_code == 302, response.get_data(as_text=True)
    return csrf_token(client, BOARD)


def iid(key: str) -> str:
    """The id of a seeded item."""
    return str(item_id(PLAN_KEY, key))


def htmx_headers(token: str, current: str | None = None) -> dict[str, str]:
    """The headers htmx sends (the page's CSRF token, and the browser's address)."""
    headers = {"HX-Request": "true", "X-CSRFToken": token}
    if current:
        headers["HX-Current-URL"] = f"http://localhost{current}"
    return headers


def hx_post(client: FlaskClient, url: str, token: str, current: str | None = None,
            **data: Any) -> TestResponse:
    """A POST as htmx makes it."""
    return client.post(url, data=data, headers=htmx_headers(token, current))


def hx_get(client: FlaskClient, url: str) -> TestResponse:
    """A GET as htmx makes it."""
    return client.get(url, headers={"HX-Request": "true"})


def version_of(client: FlaskClient, key: str) -> int:
    """The item's current version, as the item page shows it."""
    app = client.application
    card = app.extensions["tracker"].queries.get_card(iid(key))
    assert card is not None
    return int(card["version"])


def move(client: FlaskClient, token: str, key: str, to: str, version: int | None = None,
         **data: Any) -> TestResponse:
    """Move a card the way the board's control (or a drop) does."""
    expected = version_of(client, key) if version is None else version
    return hx_post(client, f"/items/{iid(key)}/move", token, BOARD, to=to,
                   expected_version=str(expected), **data)


def run(client: FlaskClient, token: str, key: str, command: str, version: int | None = None,
        **data: Any) -> TestResponse:
    """Run a command from the item page."""
    expected = version_of(client, key) if version is None else version
    return hx_post(client, f"/items/{iid(key)}/commands/{command}", token,
                   expected_version=str(expected), **data)
