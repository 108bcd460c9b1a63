"""The work register page: filters like the board, as of a day, downloads in the UI's language."""

from __future__ import annotations

import io

import openpyxl
from flask import Flask
from webfixtures import *  # noqa: F403  (fixtures web_app, seeded_app, client, database_url)
from webfixtures import login


def test_register_page_shows_every_item_by_name_with_its_light(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    login(client, "viewer")
    response = client.get("/reports/register")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    paper = html.split('id="register-paper"')[1]
    assert "work register (as of" in paper and "Supervised item" in paper
    assert "第一支部" in paper
    assert 'class="light light-' in paper or "No item matches." in paper


def test_register_filters_by_unit_and_light(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    login(client, "viewer")
    html = client.get("/reports/register?unit=u2&light=red").get_data(as_text=True)
    paper = html.split('id="register-paper"')[1]
    assert "unit: 第二支部" in paper and "light: Red" in paper
    assert client.get("/reports/register?light=purple").status_code == 400
    assert client.get("/reports/register?as_of=tomorrow").status_code == 422
    assert client.get("/reports/register?group=colour").status_code == 422


def test_register_downloads_in_the_ui_language(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    login(client, "viewer")
    csv = client.get("/reports/register.csv")
    assert csv.status_code == 200 and csv.data.startswith(b"\xef\xbb\xbf")
    assert csv.data.decode("utf-8").splitlines()[0].lstrip("\ufeff").startswith("No.,")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    client.post("/language", data={"lang": "zh_Hans_CN"})
    book = openpyxl.load_workbook(io.BytesIO(client.get("/reports/register.xlsx").data))
    sheet = book.worksheets[0]
    assert "工作台账（截至" in sheet["A1"].value
    assert [c.value for c in sheet[4]][:3] == ["序号", "督办事项", "责任领导"]
    assert sheet.freeze_panes == "A5" and sheet.print_title_rows == "$4:$4"
    assert client.get("/reports/register.pdf").data.startswith(b"%PDF-")
    assert client.get("/reports/register.odt").status_code == 404
