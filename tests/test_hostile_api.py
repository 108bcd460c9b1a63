"""The hostile battery against every JSON API body: invalid → 4xx JSON error and nothing stored;
valid but nasty text → stored exactly as given. Never a 500. (SQLite; a sample on PostgreSQL.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hostile_payloads import (
    BAD_BODIES,
    BAD_DATES,
    HUGE_NUMBERS,
    INVALID_TEXT,
    NASTY_TEXT,
    UNPARSABLE_DIGITS,
    WRONG_TYPES,
)
from webfixtures import PLAN_KEY, api_token, bearer, make_web_app, seed, services_of
from webfixtures import web_app as web_app  # noqa: F401  (fixture for the PostgreSQL sample)

from tracker.domain import item_id
from tracker.domain.fields import Field
from tracker.domain.lifecycle import COMMANDS
from web.api.items import CREATE_ITEM

ITEM = str(item_id(PLAN_KEY, "mine"))
CREATE_URL = "/api/items"
VALID_CREATE = {"plan": PLAN_KEY, "title": "t", "owner": "owner", "lead_unit": "u1",
                "due": "2012-06-30"}


class Battery:
    """Sends hostile requests and checks the invariants on each answer."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client: FlaskClient = app.test_client()
        self.headers = bearer(api_token(app, "admin"))
        self.cases = 0

    def head(self) -> int:
        return services_of(self.app).tracker.recorder.max_notification_id() or 0

    def post(self, url: str, body: Any = None, raw: bytes | None = None,
             must_refuse: bool = False) -> tuple[int, dict[str, Any]]:
        """POST; never a 5xx; a refusal is JSON {error, message} and stores nothing."""
        self.cases += 1
        before = self.head()
        data = raw if raw is not None else json.dumps(body)
        response = self.client.post(url, data=data, headers=self.headers,
                                    content_type="application/json")
        status = response.status_code
        assert status < 500, (url, str(body)[:200], response.get_data(as_text=True)[:300])
        answer = response.get_json(silent=True) or {}
        if status >= 400:
            assert answer.get("error") and answer.get("message"), (url, status, answer)
            assert self.head() == before, f"a refused request stored events: {url} {body!r:.200}"
        else:
            assert not must_refuse, (url, str(body)[:200], status, answer)
        if status == 409 and answer.get("error") == "conflict":
            assert isinstance(answer.get("current_version"), int)
        return status, answer

    def last_event(self, aggregate: str) -> Any:
        tracker = services_of(self.app).tracker
        stored = tracker.recorder.select_events(UUID(str(aggregate)), desc=True, limit=1)[0]
        return tracker.mapper.to_domain_event(stored)


@pytest.fixture(scope="module")
def battery(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Battery]:
    """One seeded app on SQLite for the whole module (the battery only adds events)."""
    tmp = tmp_path_factory.mktemp("hostile")
    app = make_web_app(f"sqlite:///{tmp / 'tracker.db'}", tmp / "instance")
    seed(app)
    yield Battery(app)
    services_of(app).close()


def _bad_values(field: Field) -> list[tuple[Any, bool]]:
    """(value, must be refused) for a field of this type."""
    if field.type in ("text", "person", "unit"):
        return [(v, True) for v in INVALID_TEXT + WRONG_TYPES]
    if field.type == "date":
        return [(v, field.required or v != "") for v in BAD_DATES]
    if field.type == "int":
        return [(v, False) for v in HUGE_NUMBERS]
    if field.type == "bool":
        return [(v, True) for v in WRONG_TYPES if not isinstance(v, bool)]
    return [(v, False) for v in WRONG_TYPES + [[x] for x in INVALID_TEXT]]


def test_nasty_text_is_stored_exactly_as_given(battery: Battery) -> None:
    for text in NASTY_TEXT:
        status, answer = battery.post(f"/api/items/{ITEM}/comment", {"text": text})
        if not text.strip():
            assert status == 422
            continue
        assert status == 200, (text, answer)
        assert battery.last_event(ITEM).text == text
    assert battery.cases >= len(NASTY_TEXT)


def test_nasty_titles_and_deliverables_create_items_that_keep_the_text(battery: Battery) -> None:
    for n, text in enumerate(NASTY_TEXT):
        body = {**VALID_CREATE, "key": f"nasty-{n}", "title": text, "deliverable": text,
                "description": text}
        status, answer = battery.post(CREATE_URL, body)
        assert status == 201, (text, answer)
        created = battery.last_event(answer["id"])
        assert created.title == text.strip() and created.deliverable == text
        assert created.description == text


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_refuses_bad_values_and_stores_nothing(battery: Battery,
                                                             command: str) -> None:
    fields = COMMANDS[command].fields
    for field in fields:
        for value, must_refuse in _bad_values(field):
            body = {f.name: "ok" if f.type == "text" else None for f in fields if f.required}
            body = {k: v for k, v in body.items() if v is not None}
            body[field.name] = value
            battery.post(f"/api/items/{ITEM}/{command}", body, must_refuse=must_refuse)
    for value in HUGE_NUMBERS + WRONG_TYPES:
        status, _ = battery.post(f"/api/items/{ITEM}/{command}",
                                 {"expected_version": value, "text": "x", "note": "x"})
        assert 400 <= status < 500


@pytest.mark.parametrize("field", [f for f in CREATE_ITEM.fields if f.name != "key"],
                         ids=lambda f: f.name)
def test_item_creation_refuses_bad_values_and_stores_nothing(battery: Battery,
                                                              field: Field) -> None:
    for n, (value, must_refuse) in enumerate(_bad_values(field)):
        body = {**VALID_CREATE, "key": f"bad-{field.name}-{n}", field.name: value}
        status, _ = battery.post(CREATE_URL, body, must_refuse=must_refuse)
        if field.name == "report_every_days" and isinstance(value, int) and value > 366:
            assert status == 422


def test_digit_lookalikes_are_refused_not_a_500(battery: Battery) -> None:
    for value in UNPARSABLE_DIGITS:
        battery.post(f"/api/items/{ITEM}/report", {"note": "n", "percent": value}, must_refuse=True)
        battery.post(f"/api/items/{ITEM}/undo", {"version": value}, must_refuse=True)
        battery.post(CREATE_URL, {**VALID_CREATE, "key": f"digits-{value}",
                                  "report_every_days": value}, must_refuse=True)


def test_item_keys_are_bounded_and_checked(battery: Battery) -> None:
    for n, value in enumerate(INVALID_TEXT + WRONG_TYPES):
        battery.post(CREATE_URL, {**VALID_CREATE, "title": f"k{n}", "key": value}, must_refuse=True)


def test_malformed_bodies_are_refused_everywhere(battery: Battery) -> None:
    urls = [CREATE_URL, f"/api/items/{ITEM}/comment", f"/api/items/{ITEM}/report",
            f"/api/items/{ITEM}/edit", "/api/plans"]
    for url in urls:
        for raw in BAD_BODIES:
            status, _ = battery.post(url, raw=raw, must_refuse=True)
            assert 400 <= status < 500


def test_hostile_paths_and_query_strings_are_4xx(battery: Battery) -> None:
    client, headers = battery.client, battery.headers
    for text in NASTY_TEXT[:40] + ["%00", "..%2f..%2f", "x" * 5000]:
        for url in (f"/api/items/{text}", f"/api/items/{ITEM}/{text}", f"/api/plans/{text}"):
            assert 400 <= client.get(url, headers=headers).status_code < 500
        for query in ("plan", "owner", "q", "status", "light", "limit", "offset", "as_of"):
            response = client.get("/api/items", query_string={query: text}, headers=headers)
            assert response.status_code < 500, (query, text)
        assert client.get("/api/board", query_string={"as_of": text},
                          headers=headers).status_code < 500
        assert client.get("/api/audit", query_string={"since": text},
                          headers=headers).status_code < 500


def test_the_battery_sent_hundreds_of_payloads(battery: Battery) -> None:
    assert battery.cases >= 500, battery.cases


def test_a_sample_on_each_store_refuses_and_keeps_the_same(web_app: Flask) -> None:  # noqa: F811
    seed(web_app)
    battery = Battery(web_app)
    for text in NASTY_TEXT[::4]:
        if text.strip():
            assert battery.post(f"/api/items/{ITEM}/comment", {"text": text})[0] == 200
            assert battery.last_event(ITEM).text == text
    for value in INVALID_TEXT + WRONG_TYPES:
        battery.post(f"/api/items/{ITEM}/comment", {"text": value}, must_refuse=True)
    for raw in BAD_BODIES[::3]:
        battery.post(f"/api/items/{ITEM}/report", raw=raw, must_refuse=True)
    for value in BAD_DATES[::3]:
        battery.post(CREATE_URL, {**VALID_CREATE, "due": value}, must_refuse=True)
