"""The hostile battery through the page forms (with CSRF) and the pages that show the data:
invalid → 4xx page or fragment, nothing stored; nasty text kept exactly and always escaped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from boardfixtures import BOARD, iid, sign_in
from flask import Flask
from flask.testing import FlaskClient
from hostile_payloads import BAD_DATES, HUGE_NUMBERS, INVALID_TEXT, NASTY_TEXT
from markupsafe import escape
from webfixtures import PLAN_KEY, make_web_app, seed, services_of

from tracker.domain.lifecycle import COMMANDS

NEW_ITEM = f"/plans/{PLAN_KEY}/items/new"
# A payload with one of these must never appear verbatim (escaping changes it); payloads
# holding "&" are left out, as they may equal another payload's escaped form.
HTML_SPECIAL = set("<>\"'")


class Forms:
    """A signed-in admin posting forms; every answer checked against the invariants."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client: FlaskClient = app.test_client()
        self.token = sign_in(self.client, "admin")
        self.cases = 0

    def head(self) -> int:
        return services_of(self.app).tracker.recorder.max_notification_id() or 0

    def version(self, key: str) -> int:
        return services_of(self.app).tracker.get_item(iid(key)).version

    def post(self, url: str, data: dict[str, Any], htmx: bool = False,
             must_refuse: bool = False) -> int:
        self.cases += 1
        before = self.head()
        headers = {"HX-Request": "true", "X-CSRFToken": self.token} if htmx else {}
        response = self.client.post(url, data={**data, "csrf_token": self.token},
                                    headers=headers)
        status = response.status_code
        assert status < 500, (url, str(data)[:200], response.get_data(as_text=True)[:300])
        if status >= 400:
            assert response.get_data(as_text=True).strip(), "a refusal carries a message"
            assert self.head() == before, (url, str(data)[:200])
        else:
            assert not must_refuse, (url, str(data)[:200], status)
        return status


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Forms]:
    tmp = tmp_path_factory.mktemp("hostile-web")
    app = make_web_app(f"sqlite:///{tmp / 'tracker.db'}", tmp / "instance")
    seed(app)
    yield Forms(app)
    services_of(app).close()


def _create(forms: Forms, **fields: Any) -> int:
    data = {"title": "t", "owner": "owner", "lead_unit": "u1", "due": "2012-06-30", **fields}
    return forms.post(NEW_ITEM, data, must_refuse=False)


def test_nasty_text_through_the_forms_is_stored_exactly(forms: Forms) -> None:
    tracker = services_of(forms.app).tracker
    for n, text in enumerate(NASTY_TEXT):
        if not text.strip():
            continue
        title = f"{n} {text}"
        assert _create(forms, title=title, deliverable=text) == 302
        uid = tracker.list_item_ids()[-1]
        item = tracker.get_item(uid)
        assert (item.title, item.deliverable) == (title.strip(), text)
        url = f"/items/{iid('mine')}/commands/comment"
        assert forms.post(url, {"text": text, "expected_version": forms.version("mine")},
                          htmx=n % 2 == 0) in (200, 302)
        stored = tracker.recorder.select_events(iid_uuid("mine"), desc=True, limit=1)[0]
        assert tracker.mapper.to_domain_event(stored).text == text  # type: ignore[attr-defined]


def iid_uuid(key: str) -> Any:
    from uuid import UUID

    return UUID(iid(key))


@pytest.mark.parametrize("command", sorted(c for c in COMMANDS if COMMANDS[c].fields))
def test_every_command_form_refuses_bad_values(forms: Forms, command: str) -> None:
    url = f"/items/{iid('theirs')}/commands/{command}"
    for field in COMMANDS[command].fields:
        values: list[Any] = {"date": BAD_DATES, "int": HUGE_NUMBERS}.get(field.type, INVALID_TEXT)
        for value in values:
            if not isinstance(value, str):
                continue
            data = {f.name: "ok" for f in COMMANDS[command].fields if f.required}
            data[field.name] = value
            refuse = value in INVALID_TEXT or (field.type == "date" and value.strip() != "")
            forms.post(url, {**data, "expected_version": forms.version("theirs")},
                       htmx=True, must_refuse=refuse and field.type != "list")
    for stale in ("", "-1", "x", "1e3", "<script>", "9" * 40, "\x00"):
        status = forms.post(url, {"expected_version": stale, "text": "t", "note": "t"})
        assert 400 <= status < 500


def test_create_form_refuses_bad_values(forms: Forms) -> None:
    for value in INVALID_TEXT:
        for field in ("title", "deliverable", "description", "owner", "lead_unit"):
            assert 400 <= _create(forms, **{field: value}) < 500
    for value in BAD_DATES:
        if isinstance(value, str):
            assert 400 <= _create(forms, due=value, title=f"date {value!r}") < 500
    for value in HUGE_NUMBERS:
        if isinstance(value, str) or isinstance(value, int) and not isinstance(value, bool):
            _create(forms, report_every_days=str(value), title=f"every {value!r}")


def test_board_moves_and_filters_refuse_hostile_values(forms: Forms) -> None:
    url = f"/items/{iid('chiefs')}/move"
    for n, text in enumerate(NASTY_TEXT[:40] + INVALID_TEXT[:4]):
        status = forms.post(url, {"to": text, "expected_version": forms.version("chiefs")},
                            htmx=True)
        assert 400 <= status < 500
        if n % 3:
            continue  # pages are slower than refusals: a third of the payloads go through them
        for page in (BOARD, "/audit", f"/plans/{PLAN_KEY}/board/todo"):
            for arg in ("owner", "unit", "phase", "light", "q", "as_of", "since", "offset",
                        "after", "lane"):
                forms.cases += 1
                response = forms.client.get(page, query_string={arg: text})
                assert response.status_code < 500, (page, arg, text)
                assert not (HTML_SPECIAL & set(text) and "&" not in text
                            and text in response.get_data(as_text=True)), (page, arg, text)


def test_login_form_survives_hostile_credentials(forms: Forms) -> None:
    client = forms.app.test_client()
    for text in NASTY_TEXT[:8] + INVALID_TEXT[:2]:
        token = sign_in_token(client)
        response = client.post("/login", data={"username": text, "password": text,
                                               "csrf_token": token})
        assert 400 <= response.status_code < 500
        assert not (HTML_SPECIAL & set(text) and "&" not in text
                    and text in response.get_data(as_text=True))


def sign_in_token(client: FlaskClient) -> str:
    from webfixtures import csrf_token

    return csrf_token(client, "/login")


def test_pages_show_the_nasty_text_escaped(forms: Forms) -> None:
    pages = [BOARD, f"{BOARD}?include_cancelled=true", f"/items/{iid('mine')}", "/audit"]
    pages += [f"/items/{uid}" for uid in services_of(forms.app).tracker.list_item_ids()[-10:]]
    seen_escaped = 0
    for page in pages:
        response = forms.client.get(page)
        assert response.status_code == 200, page
        html = response.get_data(as_text=True)
        assert "<script>window.__pwned" not in html
        for text in NASTY_TEXT:
            if HTML_SPECIAL & set(text) and "&" not in text:
                assert text not in html, (page, text)
            seen_escaped += str(escape(text)) in html
    assert seen_escaped > 50


def test_the_form_battery_sent_hundreds_of_payloads(forms: Forms) -> None:
    assert forms.cases >= 500, forms.cases
