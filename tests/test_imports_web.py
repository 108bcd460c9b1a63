"""Import in the browser: upload → preview (nothing written) → confirm; admin only; problems
by row in the user's language; the same file twice writes nothing."""

from __future__ import annotations

import hashlib
import io
import re

from flask import Flask
from flask.testing import FlaskClient
from tasksheets import ROWS, task_sheet
from test_planfile_extended import CITY
from webfixtures import client as client  # noqa: F401  (fixture)
from webfixtures import csrf_token, login, services_of
from webfixtures import seeded_app as seeded_app  # noqa: F401  (fixture)
from webfixtures import web_app as web_app  # noqa: F401  (fixture)


def _head(app: Flask) -> int:
    return services_of(app).tracker.recorder.max_notification_id() or 0


def _preview(client: FlaskClient, data: bytes, name: str, **form: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/import")
    return client.post("/import/preview", data={"csrf_token": token, **form,
                                                "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _confirm(client: FlaskClient, page: str):  # type: ignore[no-untyped-def]
    upload = re.search(r'name="upload" value="([0-9a-f]{64})"', page)
    assert upload, page
    token = csrf_token(client, "/import")
    return client.post("/import/confirm", data={"csrf_token": token, "upload": upload[1]})


def test_a_task_sheet_is_previewed_without_writing_then_imported_once(
        client: FlaskClient, seeded_app: Flask) -> None:  # noqa: F811
    login(client, "admin")
    before = _head(seeded_app)
    sheet = task_sheet()
    shown = _preview(client, sheet, "任务.xlsx")
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200
    for text in ("制定优化营商环境实施方案", "李副市长", "王科长", "市发展改革委", "市住建局"):
        assert text in page
    assert _head(seeded_app) == before
    done = _confirm(client, page)
    assert done.status_code == 302 and done.headers["Location"].endswith("/plans/city2026")
    after = _head(seeded_app)
    assert after > before
    again = _preview(client, sheet, "任务.xlsx").get_data(as_text=True)
    assert "Nothing to write" in again and 'name="upload"' not in again
    digest = hashlib.sha256(sheet).hexdigest()
    page = f'<input type="hidden" name="upload" value="{digest}">'
    assert _confirm(client, page).status_code == 302  # confirming anyway writes nothing
    assert _head(seeded_app) == after


def test_a_sheet_with_bad_rows_is_refused_by_row_in_chinese_and_nothing_is_written(
        client: FlaskClient, seeded_app: Flask) -> None:  # noqa: F811
    rows = [list(r) for r in ROWS]
    rows[1][6], rows[2][3], rows[5][6] = "尽快", None, "2027年3月1日"
    login(client, "admin")
    before = _head(seeded_app)
    shown = client.get("/import", headers={"Accept-Language": "zh-CN"})
    assert shown.status_code == 200
    token = csrf_token(client, "/import")
    refused = client.post("/import/preview", headers={"Accept-Language": "zh-CN"},
                          data={"csrf_token": token,
                                "file": (io.BytesIO(task_sheet(rows)), "bad.xlsx")},
                          content_type="multipart/form-data")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    for where in ("第 4 行", "第 5 行", "第 8 行", "G（完成时限）", "D（牵头单位）"):
        assert where in page
    assert "尽快" in page and "not understood" not in page
    assert _head(seeded_app) == before


def test_a_plan_file_with_two_items_of_the_same_title_imports_both(
        client: FlaskClient, seeded_app: Flask) -> None:  # noqa: F811
    login(client, "admin")
    page = _preview(client, CITY.encode(), "city.yaml").get_data(as_text=True)
    assert page.count("开展主题党日活动") == 2
    assert _confirm(client, page).status_code == 302
    board = services_of(seeded_app).queries.board("city2026")
    assert sorted(r["lead_unit"] for r in board if r["title"] == "开展主题党日活动") == [
        "dev", "fin"]


def test_a_renaming_plan_is_refused_in_the_preview_unless_the_directory_may_change(
        client: FlaskClient, seeded_app: Flask) -> None:  # noqa: F811
    login(client, "admin")
    _confirm(client, _preview(client, CITY.encode(), "city.yaml").get_data(as_text=True))
    second = CITY.replace("王科长", "王处长")
    refused = _preview(client, second.encode(), "city.yaml")
    assert refused.status_code == 422 and "王处长" in refused.get_data(as_text=True)
    allowed = _preview(client, second.encode(), "city.yaml", update_directory="1")
    assert allowed.status_code == 200


def test_only_an_administrator_may_import(client: FlaskClient) -> None:  # noqa: F811
    login(client, "leader")
    assert client.get("/import").status_code == 403
    token = csrf_token(client, "/plans/web/board")
    refused = client.post("/import/preview", data={
        "csrf_token": token, "file": (io.BytesIO(task_sheet()), "t.xlsx")},
        content_type="multipart/form-data")
    assert refused.status_code == 403


def test_a_confirmation_of_an_unknown_upload_is_a_400(client: FlaskClient) -> None:  # noqa: F811
    login(client, "admin")
    token = csrf_token(client, "/import")
    answer = client.post("/import/confirm", data={"csrf_token": token, "upload": "../x"})
    assert answer.status_code == 400


def _new_form(client: FlaskClient) -> tuple[str, str]:
    page = client.get("/plans/web/items/new").get_data(as_text=True)
    token = re.search(r'name="form_token" value="([0-9a-f]{32})"', page)
    assert token, page
    return csrf_token(client, "/plans/web/items/new"), token[1]


def test_two_items_of_the_same_title_are_created_from_the_ui_and_a_retry_creates_none(
        client: FlaskClient, seeded_app: Flask) -> None:  # noqa: F811
    login(client, "admin")
    made = []
    for unit in ("u1", "u2"):
        csrf, form = _new_form(client)
        data = {"csrf_token": csrf, "form_token": form, "title": "开展主题党日活动",
                "owner": "owner", "lead_unit": unit, "due": "2012-10-01"}
        first = client.post("/plans/web/items/new", data=data)
        assert first.status_code == 302
        retry = client.post("/plans/web/items/new", data=data)
        assert retry.headers["Location"] == first.headers["Location"]
        made.append(first.headers["Location"])
    assert made[0] != made[1]
    board = services_of(seeded_app).queries.board("web")
    assert sorted(r["lead_unit"] for r in board if r["title"] == "开展主题党日活动") == [
        "u1", "u2"]
