"""People's own mail address through the API and the outbox page; the outbox visible to
administrators only; the mail's link leads to the item page."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import PLAN_KEY, api_token, bearer, csrf_token, login, services_of

from tracker.mailtext import item_link
from tracker.outbox import Outbox


def test_an_admin_sets_a_persons_mail_address_and_language_through_the_api(
        seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    admin = bearer(api_token(seeded_app, "admin"))
    ok = client.post("/api/people/owner/contact", headers=admin,
                     json={"email": "owner@example.org", "language": "en"})
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json() == {"person": "owner", "email": "owner@example.org", "language": "en"}
    person = services_of(seeded_app).tracker.get_person("owner")
    assert (person.email, person.language) == ("owner@example.org", "en")
    for body in ({"email": "not an address"}, {"email": 5}, {"email": "a@b.org",
                                                               "language": "fr"}):
        bad = client.post("/api/people/owner/contact", headers=admin, json=body)
        assert bad.status_code in (400, 422) and bad.get_json()["message"], body
    assert client.post("/api/people/nobody/contact", headers=admin,
                       json={"email": "x@example.org"}).status_code == 404
    member = bearer(api_token(seeded_app, "member"))
    assert client.post("/api/people/owner/contact", headers=member,
                       json={"email": "me@example.org"}).status_code == 403
    cleared = client.post("/api/people/owner/contact", headers=admin, json={"email": None})
    assert cleared.get_json()["email"] is None


def test_the_outbox_page_shows_mail_by_name_to_admins_only(
        client: FlaskClient, seeded_app: Flask) -> None:
    svc = services_of(seeded_app)
    item = svc.tracker.get_item("mine", PLAN_KEY)
    box = Outbox(svc.state_engine)
    box.create_tables()
    box.enqueue(f"reminder:{item.id}:red:2012-06-30", "reminder", "owner",
                {"item_id": str(item.id), "title": item.title, "cause": "red:2012-06-30",
                 "due": "2012-06-30"})
    login(client, "member")
    assert client.get("/outbox").status_code == 403
    other = seeded_app.test_client()
    login(other, "admin")
    page = other.get("/outbox")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    visible = re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1])
    assert "负责人" in visible and item.title in visible and "owner" not in visible
    token = csrf_token(other, "/outbox")
    saved = other.post("/outbox/people/owner", data={"csrf_token": token,
                                                     "email": "owner@example.org",
                                                     "language": "zh_Hans_CN"})
    assert saved.status_code == 303
    assert 'value="owner@example.org"' in other.get("/outbox").get_data(as_text=True)
    refused = other.post("/outbox/people/owner", data={"csrf_token": token, "email": "nope"})
    assert refused.status_code in (400, 422)
    assert svc.tracker.get_person("owner").email == "owner@example.org"


def test_the_link_in_a_reminder_mail_is_the_item_page(seeded_app: Flask) -> None:
    item = services_of(seeded_app).tracker.get_item("mine", PLAN_KEY)
    link = item_link("https://tracker.example.org/", str(item.id))
    path = link.removeprefix("https://tracker.example.org")
    endpoint, args = seeded_app.url_map.bind("tracker.example.org").match(path)
    assert endpoint == "items.item" and args == {"item_id": str(item.id)}
