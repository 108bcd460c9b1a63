"""The audit trail's actor filter is a people picker: at a directory of 3000 people the page
prints few choices; an actor picked by typing filters the trail and is shown by name; actors
that are no person (the system, accounts) are offered beside it by name, never by key."""

from __future__ import annotations

import re

from boardfixtures import sign_in
from flask import Flask
from flask.testing import FlaskClient
from test_pickers import add_directory, offered
from webfixtures import *  # noqa: F403
from webfixtures import services_of

from tracker.domain.base import item_id
from tracker.permissions import SYSTEM, Actor
from web.pickers.routes import LIMIT

MINE = str(item_id("web", "mine"))
CHIEF = Actor("chief", "leader", login="leader")


def choices(html: str) -> int:
    """How many choices the page prints: <option>s and the actor's radios."""
    return html.count("<option") + len(offered(html, "actor"))


def rows(html: str) -> list[str]:
    """The actors named in the trail's rows."""
    return re.findall(r'<td class="actor">([^<]*)</td>', html)


def test_the_trail_of_a_big_directory_prints_few_choices(client: FlaskClient) -> None:
    add_directory(client.application, people=3000)
    sign_in(client, "admin")
    answer = client.get("/audit")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert choices(html) < 150, choices(html)
    # the trail shows its newest 50 events; no list names everyone
    assert "张三0001" not in html and 'id="audit-actor-q"' in html and 'name="actor_q"' in html
    typed = client.get("/pickers/people", query_string={"field": "actor", "filter": "1",
                                                        "actor_q": "张三"})
    assert len(offered(typed.get_data(as_text=True), "actor")) == LIMIT + 1  # with "anyone"


def test_an_actor_picked_by_typing_filters_the_trail_and_is_shown_by_name(
        seeded_app: Flask, client: FlaskClient) -> None:
    add_directory(seeded_app, people=3000)
    services_of(seeded_app).run(MINE, "reassign", CHIEF, owner="other", reason="出差")
    sign_in(client, "viewer")
    typed = client.get("/pickers/people", query_string={"field": "actor", "filter": "1",
                                                        "actor_q": "组"}).get_data(as_text=True)
    assert "chief" in offered(typed, "actor") and "组长" in typed
    html = client.get("/audit", query_string={"actor": "chief", "actor_q": "组"}
                      ).get_data(as_text=True)
    assert 'name="actor" value="chief" checked' in html
    assert 'name="actor" value="" checked' not in html  # "anyone" is not chosen too
    assert "No one matches" not in html  # what was typed found the chosen one
    unmatched = client.get("/audit", query_string={"actor": "chief", "actor_q": "无此人"})
    assert "No one matches “无此人”." in unmatched.get_data(as_text=True)
    assert rows(html) == ["组长"]  # only the chosen actor's one change
    assert "1 event matches." in html
    assert choices(html) < 150


def test_the_system_is_chosen_by_name_beside_the_picker(
        seeded_app: Flask, client: FlaskClient) -> None:
    services_of(seeded_app).run(MINE, "reassign", CHIEF, owner="other", reason="出差")
    system = SYSTEM.name
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    sign_in(client, "viewer")
    page = client.get("/audit").get_data(as_text=True)
    assert system in offered(page, "actor") and "或非人员：" in page and "系统" in page
    assert 'name="actor" value="" checked' in page  # "anyone" by default
    html = client.get("/audit", query_string={"actor": system}).get_data(as_text=True)
    assert f'name="actor" value="{system}" checked' in html
    assert 'name="actor" value="" checked' not in html
    assert set(rows(html)) == {"系统"}
    assert re.search(r'<td class="actor">组长</td>', html) is None
    text = re.sub(r"<[^>]+>", " ", html)
    assert not re.search(r"\b(Actor|Anyone|Or not a person|System)\b", text)
    assert f">{system}<" not in html  # the key is never shown
