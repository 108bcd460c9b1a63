"""Sub-items in the browser's pages: added from the parent, listed on it with their lights,
and the parent named by its title on the child."""

from __future__ import annotations

import re

from boardfixtures import iid, sign_in
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import PLAN_KEY


def test_a_sub_item_is_created_from_its_parents_page_and_listed_there(
        client: FlaskClient) -> None:
    token = sign_in(client, "leader")
    parent = client.get(f"/items/{iid('mine')}").get_data(as_text=True)
    link = re.search(r'class="button add-child" href="([^"]+)"', parent)
    assert link
    form = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    chosen = form.split('id="new-parent-options"')[1].split("</ul>")[0]
    assert re.search(r'name="parent" value="mine" checked>\s*<span class="picker-name">负责人的事项'
                     r'</span>', chosen)
    created = client.post(f"/plans/{PLAN_KEY}/items/new", data={
        "csrf_token": token, "title": "子事项一", "owner": "other", "lead_unit": "u2",
        "due": "2012-05-31", "parent": "mine"})
    assert created.status_code == 302
    child = client.get(created.headers["Location"]).get_data(as_text=True)
    assert f'class="item-parent"><a href="/items/{iid("mine")}">负责人的事项</a>' in child
    parent = client.get(f"/items/{iid('mine')}").get_data(as_text=True)
    listed = parent.split('class="child-list"')[1].split("</ul>")[0]
    assert "子事项一" in listed and "chip light light-red" in listed  # overdue since 2012


def test_the_create_form_preselects_no_owner_and_no_unit(client: FlaskClient) -> None:
    sign_in(client, "leader")
    form = client.get(f"/plans/{PLAN_KEY}/items/new").get_data(as_text=True)
    for name in ("owner", "lead_unit"):
        picker = form.split(f'id="new-{name}"')[1].split("</fieldset>")[0]
        assert f'name="{name}"' in picker and "checked" not in picker


def test_an_unknown_parent_is_refused_next_to_its_field(client: FlaskClient) -> None:
    token = sign_in(client, "leader")
    answer = client.post(f"/plans/{PLAN_KEY}/items/new", data={
        "csrf_token": token, "title": "子事项二", "owner": "other", "lead_unit": "u2",
        "due": "2012-05-31", "parent": "no-such-item"})
    assert 400 <= answer.status_code < 500
