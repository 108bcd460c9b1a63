"""A command from the item page answers htmx with only what changed (out-of-band swaps by id):
the head, fields, actions and evidence forms with the new version in every form, the new
timeline entries to put on top, and the other parts only when the command touched them. Undo
and a file attached from the evidence form answer the same way. The plain form post keeps its
redirect; refusals and conflicts keep answering the whole item."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date
from html.parser import HTMLParser

import pytest
from boardfixtures import htmx_headers, iid, run, sign_in, version_of
from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import services_of
from werkzeug.test import TestResponse

from tracker.permissions import SYSTEM, Actor

PDF = b"%PDF-1.4\n branch meeting minutes \n%%EOF\n"
ALWAYS = {"item-flash", "item-head", "item-fields", "item-actions", "evidence-forms"}


class Parts(HTMLParser):
    """The out-of-band parts of an answer (id → swap), and every id and version in it."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.oob: dict[str, str] = {}
        self.ids: set[str] = set()
        self.versions: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "hx-swap-oob" in a:
            self.oob[a.get("id") or str(a["hx-swap-oob"])] = str(a["hx-swap-oob"])
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if a.get("name") == "expected_version":
            self.versions.add(str(a["value"]))


@pytest.fixture
def member(client: FlaskClient) -> tuple[FlaskClient, str]:
    """The seeded app's client signed in as the owner of "mine" (English), and its token."""
    return client, sign_in(client, "member")


def long_timeline(app: Flask, key: str, reports: int) -> int:
    """Give the item many progress reports; its version after them."""
    svc = services_of(app)
    for n in range(reports):
        result = svc.tracker.execute(iid(key), "report", SYSTEM, None, note=f"第{n}次", percent=n)
    svc.sync(result.notification_id)
    return int(result.version)


def test_a_report_answers_the_changed_parts_and_only_the_new_timeline_entry(
        seeded_app: Flask, member: tuple[FlaskClient, str]) -> None:
    client, token = member
    version = long_timeline(seeded_app, "mine", 40)
    response = run(client, token, "mine", "report", note="过半了", percent="60")
    html = response.get_data(as_text=True)
    parts = Parts(html)
    assert response.status_code == 200 and response.headers["HX-Reswap"] == "none"
    assert parts.oob == {**dict.fromkeys(ALWAYS, "true"),
                         "afterbegin:#timeline-list": "afterbegin:#timeline-list"}
    events = {i for i in parts.ids if i.startswith("event-")}
    assert events == {f"event-{version + 1}"}  # the new entry, not the 41 before it
    assert not {"item", "timeline-list", "item-children", "item-notices",
                "evidence-list"} & parts.ids
    assert parts.versions == {str(version + 1)}  # every form carries the new version
    assert f'data-version="{version + 1}"' in html and f"Version {version + 1}" in html
    assert '<progress max="100" value="60">' in html and "过半了" in html
    assert "Done: Report progress." in html


def test_a_new_status_also_answers_the_sub_items(member: tuple[FlaskClient, str]) -> None:
    client, token = member
    version = version_of(client, "mine")
    parts = Parts(run(client, token, "mine", "start").get_data(as_text=True))
    assert set(parts.oob) - ALWAYS == {"item-children", "afterbegin:#timeline-list"}
    assert f"event-{version + 1}" in parts.ids


def test_a_notice_answers_the_notices_and_linked_evidence_the_evidence_list(
        seeded_app: Flask, client: FlaskClient) -> None:
    token = sign_in(client, "member")
    run(client, token, "mine", "start")
    linked = Parts(client.post(f"/items/{iid('mine')}/commands/link-evidence", data={
        "url": "https://example.org/a", "description": "照片",
        "expected_version": version_of(client, "mine")}, headers=htmx_headers(token)).get_data(
            as_text=True))
    assert set(linked.oob) - ALWAYS == {"evidence-list", "afterbegin:#timeline-list"}
    client.post("/logout", data={"csrf_token": token})
    token = sign_in(client, "leader")
    html = run(client, token, "mine", "issue-notice", requirement="按时报送",
               reply_by="2012-12-01").get_data(as_text=True)
    assert set(Parts(html).oob) - ALWAYS == {"item-notices", "afterbegin:#timeline-list"}
    assert "按时报送" in html


def test_the_chinese_answer_is_chinese(seeded_app: Flask, client: FlaskClient) -> None:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    token = sign_in(client, "member")
    html = run(client, token, "mine", "report", note="过半", percent="50").get_data(as_text=True)
    assert "操作成功：" in html and "进展" in html
    text = re.sub(r"<[^>]+>", " ", html)
    assert not re.search(r"\b(Done|Report|Version|Details|Actions|Timeline)\b", text)


def test_refusals_and_conflicts_still_answer_the_whole_item(
        member: tuple[FlaskClient, str]) -> None:
    client, token = member
    rendered = version_of(client, "mine")
    refused = run(client, token, "mine", "report", note="", percent="101")
    assert refused.status_code == 422 and "HX-Reswap" not in refused.headers
    assert refused.get_data(as_text=True).lstrip().startswith('<div id="item"')
    run(client, token, "mine", "comment", version=rendered, text="先来")
    stale = run(client, token, "mine", "comment", version=rendered, text="后到")
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "HX-Reswap" not in stale.headers
    assert 'id="item-flash"' in html and 'data-conflict="true"' in html
    assert f'id="event-{rendered + 1}"' in html and 'id="timeline-list"' in html


def test_a_plain_form_post_still_redirects(member: tuple[FlaskClient, str]) -> None:
    client, token = member
    response = client.post(f"/items/{iid('mine')}/commands/report", data={
        "csrf_token": token, "expected_version": version_of(client, "mine"), "note": "无脚本"})
    assert response.status_code == 302 and "HX-Reswap" not in response.headers


def undo(client: FlaskClient, token: str, version: int, htmx: bool = True) -> TestResponse:
    """Undo the change recorded at version, from a page rendered at that version."""
    data = {"csrf_token": token, "expected_version": str(version), "version": str(version),
            "reason": "点错了"}
    return client.post(f"/items/{iid('mine')}/undo", data=data,
                       headers=htmx_headers(token) if htmx else {})


def attach(client: FlaskClient, token: str, name: str, data: bytes,
           htmx: bool = True) -> TestResponse:
    """Upload a file from the item page's evidence form."""
    return client.post(f"/items/{iid('mine')}/evidence", content_type="multipart/form-data",
                       headers=htmx_headers(token) if htmx else {}, data={
                           "csrf_token": token,
                           "expected_version": str(version_of(client, "mine")),
                           "file": (io.BytesIO(data), name)})


def test_an_undo_answers_the_changed_parts_and_its_timeline_entry(
        member: tuple[FlaskClient, str]) -> None:
    client, token = member
    started = version_of(client, "mine") + 1
    run(client, token, "mine", "start")
    response = undo(client, token, started)
    html = response.get_data(as_text=True)
    parts = Parts(html)
    assert response.status_code == 200 and response.headers["HX-Reswap"] == "none"
    assert set(parts.oob) - ALWAYS == {"item-children", "afterbegin:#timeline-list"}  # status
    assert {i for i in parts.ids if i.startswith("event-")} == {f"event-{started + 1}"}
    assert not {"item", "timeline-list", "evidence-list"} & parts.ids
    assert parts.versions == {str(started + 1)}
    assert "The change was undone." in html and "点错了" in html
    assert f"/items/{iid('mine')}/undo" not in html  # an undo is not undone in turn


def test_an_attached_file_answers_the_evidence_list_and_its_timeline_entry(
        member: tuple[FlaskClient, str]) -> None:
    client, token = member
    version = version_of(client, "mine")
    response = attach(client, token, "会议纪要.pdf", PDF)
    html = response.get_data(as_text=True)
    parts = Parts(html)
    assert response.status_code == 200 and response.headers["HX-Reswap"] == "none"
    assert set(parts.oob) - ALWAYS == {"evidence-list", "afterbegin:#timeline-list"}
    assert {i for i in parts.ids if i.startswith("event-")} == {f"event-{version + 1}"}
    assert not {"item", "timeline-list", "item-children"} & parts.ids
    assert parts.versions == {str(version + 1)}
    sha = hashlib.sha256(PDF).hexdigest()
    assert f"/evidence/{sha}" in html and "会议纪要.pdf" in html
    assert "The file was attached." in html


def test_undo_and_attach_refusals_answer_the_whole_item_and_plain_posts_redirect(
        member: tuple[FlaskClient, str]) -> None:
    client, token = member
    refused = attach(client, token, "tool.exe", b"MZ\x90\x00")
    assert refused.status_code == 422 and "HX-Reswap" not in refused.headers
    assert refused.get_data(as_text=True).lstrip().startswith('<div id="item"')
    plain = attach(client, token, "纪要.pdf", PDF, htmx=False)
    assert plain.status_code == 302 and "HX-Reswap" not in plain.headers
    page = client.get(plain.headers["Location"]).get_data(as_text=True)
    assert "The file was attached." in page and "纪要.pdf" in page
    started = version_of(client, "mine") + 1
    run(client, token, "mine", "start")
    undone = undo(client, token, started, htmx=False)
    assert undone.status_code == 302 and "HX-Reswap" not in undone.headers
    assert "The change was undone." in client.get(undone.headers["Location"]).get_data(
        as_text=True)
    started = version_of(client, "mine") + 1
    run(client, token, "mine", "start")
    run(client, token, "mine", "comment", text="先评论")
    stale = undo(client, token, started)
    assert stale.status_code == 409 and "HX-Reswap" not in stale.headers
    assert stale.get_data(as_text=True).lstrip().startswith('<div id="item"')


def shown_key(client: FlaskClient, key: str) -> str:
    """The actions key the item page's forms carry (which actions the page shows)."""
    found = re.search(r'name="actions_key" value="([0-9a-f]+)"',
                      client.get(f"/items/{iid(key)}").get_data(as_text=True))
    assert found
    return found.group(1)


KEPT = {"item-flash", "item-meta", "item-facts", "action-report", "item-undo",
        "outerHTML:#item input[name=expected_version]", "afterbegin:#timeline-list"}


def test_a_page_showing_the_same_actions_gets_the_action_that_ran_the_undo_and_the_versions(
        member: tuple[FlaskClient, str]) -> None:
    client, token = member
    run(client, token, "mine", "start")
    version, shown = version_of(client, "mine"), shown_key(client, "mine")
    response = run(client, token, "mine", "report", note="过半了", percent="60",
                   actions_key=shown)
    html = response.get_data(as_text=True)
    parts = Parts(html)
    assert set(parts.oob) == KEPT
    assert not {"item-actions", "action-comment", "item-head", "item-fields", "item-texts",
                "evidence-forms"} & parts.ids  # kept: the page's own stay
    assert parts.versions == {str(version + 1)}  # the version every form gets
    assert f'data-version="{version + 1}"' in html and f"Version {version + 1}" in html
    assert '<progress max="100" value="60">' in html  # the facts
    report = re.search(r'<details id="action-report"[^>]*>', html)
    assert report and " open" not in report.group(0)  # the form that ran comes closed, empty
    assert "过半了" not in re.sub(r"<ol hx-swap-oob.*?</ol>", "", html, flags=re.S).split(
        'id="action-report"')[1]
    assert f"event-{version + 1}" in parts.ids


def test_the_next_command_from_the_kept_actions_runs_on_the_new_version(
        member: tuple[FlaskClient, str]) -> None:
    client, token = member
    run(client, token, "mine", "start")
    shown = shown_key(client, "mine")
    first = run(client, token, "mine", "report", note="一", actions_key=shown)
    second = run(client, token, "mine", "comment", text="二", actions_key=shown)
    assert first.status_code == second.status_code == 200
    assert "item-actions" not in Parts(second.get_data(as_text=True)).ids


def test_actions_that_changed_come_whole(member: tuple[FlaskClient, str]) -> None:
    client, token = member
    shown = shown_key(client, "mine")
    parts = Parts(run(client, token, "mine", "start", actions_key=shown).get_data(as_text=True))
    assert "item-actions" in parts.oob and "item-undo" not in parts.oob
    assert "action-report" in parts.ids  # a started item can report progress


def test_a_page_showing_a_refusal_gets_every_action_again(
        member: tuple[FlaskClient, str]) -> None:
    client, token = member
    run(client, token, "mine", "start")
    refused = run(client, token, "mine", "report", note="", percent="101")
    found = re.search(r'name="actions_key" value="([0-9a-f]+)"', refused.get_data(as_text=True))
    assert refused.status_code == 422 and found
    parts = Parts(run(client, token, "mine", "comment", text="好",
                      actions_key=found.group(1)).get_data(as_text=True))
    assert "item-actions" in parts.oob  # the refusal shown in the report form goes away


def test_the_chinese_kept_answer_is_chinese(seeded_app: Flask, client: FlaskClient) -> None:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    token = sign_in(client, "member")
    run(client, token, "mine", "start")
    html = run(client, token, "mine", "report", note="过半", percent="50",
               actions_key=shown_key(client, "mine")).get_data(as_text=True)
    assert 'id="item-undo"' in html and "item-actions" not in Parts(html).ids
    text = re.sub(r"<[^>]+>", " ", html)
    assert not re.search(r"\b(Done|Report|Undo|Version|Details|Actions|Timeline)\b", text)


@pytest.mark.parametrize("kept", [False, True])
def test_an_answer_after_a_comment_still_offers_to_undo_the_change_before_it(
        member: tuple[FlaskClient, str], kept: bool) -> None:
    client, token = member
    started = version_of(client, "mine") + 1
    run(client, token, "mine", "start")
    shown = {"actions_key": shown_key(client, "mine")} if kept else {}
    html = run(client, token, "mine", "comment", text="先说明一下", **shown).get_data(
        as_text=True)
    undo_slot = html.split('id="item-undo"')[1].split("</div>")[0]
    assert "Undo the start" in undo_slot
    assert f'name="version" value="{started}"' in undo_slot
    assert f'name="expected_version" value="{started + 1}"' in undo_slot


def add_sub_items(app: Flask, *keys: str) -> None:
    """Give "mine" sub-items with these keys, owned by its owner."""
    svc = services_of(app)
    for key in keys:
        svc.create_item(SYSTEM, "web", key=key, title=f"子项{key}", owner="owner",
                        lead_unit="u1", due=date(2012, 5, 31), parent="mine")


def test_a_sub_items_answer_links_its_parent_by_its_title(
        seeded_app: Flask, member: tuple[FlaskClient, str]) -> None:
    client, token = member
    add_sub_items(seeded_app, "c1")
    html = run(client, token, "c1", "start").get_data(as_text=True)
    assert f'class="item-parent"><a href="/items/{iid("mine")}">负责人的事项</a>' in html


def test_the_accept_form_counts_the_open_sub_items_neither_done_nor_cancelled(
        seeded_app: Flask, client: FlaskClient) -> None:
    add_sub_items(seeded_app, "c1", "c2", "c3")
    svc = services_of(seeded_app)
    owner, chief = Actor("owner", "member"), Actor("chief", "leader")
    for key, steps in (("c2", [(owner, "start", {}), (owner, "submit", {"outcome": "完成"}),
                               (chief, "accept", {})]),
                       ("c3", [(chief, "cancel", {"reason": "不再需要"})]),
                       ("mine", [(owner, "start", {}), (owner, "submit", {"outcome": "完成"})])):
        for actor, command, values in steps:
            svc.run(iid(key), command, actor, **values)
    sign_in(client, "leader")
    page = client.get(f"/items/{iid('mine')}").get_data(as_text=True)
    accept = page.split('id="action-accept"')[1].split("</details>")[0]
    assert "Sub-items still open: 1." in accept
    assert re.search(r'name="reason"[^>]*required', accept)
    children = page.split('id="item-children"')[1].split("</section>")[0]
    assert all(f"子项{key}" in children for key in ("c1", "c2", "c3"))


def test_an_inline_edit_or_an_evidence_link_from_a_kept_page_comes_back_closed(
        member: tuple[FlaskClient, str]) -> None:
    client, token = member
    run(client, token, "mine", "start")
    same = run(client, token, "mine", "edit", title="负责人的事项",
               actions_key=shown_key(client, "mine")).get_data(as_text=True)
    assert {"item-head", "item-fields"} <= set(Parts(same).oob)  # nothing changed, form shut
    assert not re.search(r'<details class="inline-edit"\s+open', same)
    renamed = run(client, token, "mine", "edit", title="新的名称",
                  actions_key=shown_key(client, "mine")).get_data(as_text=True)
    assert "item-head" in Parts(renamed).oob and "新的名称" in renamed.split('id="item-head"')[1]
    linked = client.post(f"/items/{iid('mine')}/commands/link-evidence", data={
        "url": "https://example.org/b", "expected_version": version_of(client, "mine"),
        "actions_key": shown_key(client, "mine")}, headers=htmx_headers(token)).get_data(
            as_text=True)
    assert {"evidence-forms", "evidence-list"} <= set(Parts(linked).oob)


def test_what_the_kept_parts_show_changing_makes_them_come_whole(
        seeded_app: Flask, member: tuple[FlaskClient, str]) -> None:
    client, token = member
    run(client, token, "mine", "start")
    shown = shown_key(client, "mine")
    svc = services_of(seeded_app)
    svc.run(iid("mine"), "edit", SYSTEM, description="别处改过的说明")  # the page is stale
    html = run(client, token, "mine", "comment", text="看看",
               version=version_of(client, "mine"), actions_key=shown).get_data(as_text=True)
    parts = Parts(html)
    assert {"item-head", "item-fields", "item-actions", "evidence-forms"} <= set(parts.oob)
    assert "别处改过的说明" in html.split('id="item-texts"')[1]
