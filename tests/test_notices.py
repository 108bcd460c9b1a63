"""Supervision notices 督办单: issued, acknowledged and answered; overdue ones show."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from docx import Document
from flask import Flask
from papers_render import page_count, page_sizes, to_pdf
from webfixtures import *  # noqa: F403  (fixtures web_app, seeded_app, database_url)
from webfixtures import api_token, bearer, csrf_token, login, services_of

from projections.reports.i18n import lang
from projections.reports.register import register, register_paper


def _item(app: Flask, headers: dict[str, str]) -> dict:
    items = app.test_client().get("/api/items?plan=web&owner=owner", headers=headers).get_json()
    items = items["items"] if isinstance(items, dict) else items
    return next(i for i in items if i["status"] in ("todo", "doing"))  # not a status


def test_notice_is_issued_acknowledged_and_answered_through_the_api(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    chief, owner = bearer(api_token(seeded_app, "leader")), bearer(api_token(seeded_app, "member"))
    item = _item(seeded_app, chief)
    url = f"/api/items/{item['id']}"
    issued = client.post(f"{url}/issue-notice", headers=chief,
                         json={"requirement": "三日内报送整改方案", "reply_by": "2012-03-02"})
    assert issued.status_code in (200, 201), issued.get_json()
    assert client.post(f"{url}/answer-notice", headers=chief,
                       json={"reply": "x"}).status_code == 403
    assert client.post(f"{url}/acknowledge-notice", headers=owner, json={}).status_code < 300
    assert client.post(f"{url}/acknowledge-notice", headers=owner, json={}).status_code == 409
    answered = client.post(f"{url}/answer-notice", headers=owner, json={"reply": "已报送方案"})
    assert answered.status_code < 300, answered.get_json()
    assert client.post(f"{url}/answer-notice", headers=owner,
                       json={"reply": "again"}).status_code == 409


def test_an_unacknowledged_notice_past_its_deadline_shows_on_the_card_and_register(
        seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    chief = bearer(api_token(seeded_app, "leader"))
    item = _item(seeded_app, chief)
    client.post(f"/api/items/{item['id']}/issue-notice", headers=chief,
                json={"requirement": "报送整改方案", "reply_by": "2012-01-02"})
    login(client, "viewer")
    board = client.get("/plans/web/board").get_data(as_text=True)
    assert 'data-notice="overdue"' in board and "Notice not acknowledged" in board
    q = services_of(seeded_app).queries
    rows = register_paper(lang("zh"), register(q, "web")).sections[0].rows
    remarks = [r[-1] for r in rows if r[1] == item["title"]]
    assert remarks and "督办单逾期未签收" in remarks[0]


def test_the_item_page_offers_the_notice_forms_to_whom_they_belong(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    chief = bearer(api_token(seeded_app, "leader"))
    item = _item(seeded_app, chief)
    login(client, "leader")
    page = client.get(f"/items/{item['id']}").get_data(as_text=True)
    assert "issue-notice" in page
    token = csrf_token(client, f"/items/{item['id']}")
    done = client.post(f"/items/{item['id']}/commands/issue-notice", data={
        "csrf_token": token, "requirement": "按时报送", "reply_by": date(2012, 12, 1).isoformat(),
        "expected_version": str(item["version"])})
    assert done.status_code < 400
    member = seeded_app.test_client()
    login(member, "member")
    assert "acknowledge-notice" in member.get(f"/items/{item['id']}").get_data(as_text=True)


def test_notice_and_receipt_print_on_one_numbered_a4_page(seeded_app: Flask,
                                                          tmp_path: Path) -> None:
    client = seeded_app.test_client()
    chief, owner = bearer(api_token(seeded_app, "leader")), bearer(api_token(seeded_app, "member"))
    item = _item(seeded_app, chief)
    for requirement in ("第一次", "第二次"):
        client.post(f"/api/items/{item['id']}/issue-notice", headers=chief,
                    json={"requirement": requirement, "reply_by": "2012-12-01"})
    client.post(f"/api/items/{item['id']}/acknowledge-notice", headers=owner, json={})
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    login(client, "viewer")
    response = client.get(f"/reports/notice/{item['id']}/2.docx")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.data))
    assert doc.paragraphs[0].text == "督办单" and "第 2 号" in doc.paragraphs[1].text
    assert "回执" in [p.text for p in doc.paragraphs]
    (tmp_path / "notice.docx").write_bytes(response.data)
    pdf = to_pdf([tmp_path / "notice.docx"], tmp_path)[0]
    assert page_count(pdf) == 1 and page_sizes(pdf)[0][0] < page_sizes(pdf)[0][1]
    assert client.get(f"/reports/notice/{item['id']}/1.pdf").data.startswith(b"%PDF-")
    assert client.get(f"/reports/notice/{item['id']}/3.pdf").status_code == 404
