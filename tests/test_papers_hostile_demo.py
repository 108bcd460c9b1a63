"""Control characters in every free-text field of the demo leave every export working."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from docx import Document as read_docx
from flask import Flask
from webfixtures import api_token, bearer, login, make_web_app, services_of

import tracker.demo
from tracker.cli import main

# Every C0/C1 control and line separator a paste can bring (NUL is refused on the way in).
BAD = "".join(chr(c) for c in (*range(0x01, 0x20), 0x7F, *range(0x80, 0xA0))) + "\u2028\u2029"
FREE_TEXT = ("title", "deliverable", "description")
PASSWORD = "Seal-ledger-7Qz-papers"


def hostile(text: str) -> str:
    return f"{text[:2]}{BAD}{text[2:]}"


ORIGINAL = tracker.demo.demo_plan_text


def hostile_plan() -> str:
    """The demo plan with control characters inside every free-text field."""
    plan = yaml.safe_load(ORIGINAL())
    plan["plan"]["title"] = hostile(plan["plan"]["title"])
    plan["plan"]["description"] = hostile(plan["plan"].get("description", "说明"))
    for part in ("goals", "phases"):
        for entry in plan["plan"][part]:
            entry["title"] = hostile(entry["title"])
    for entry in (*plan["units"], *plan["people"]):
        entry["name"] = hostile(entry["name"])
    for item in plan["items"]:
        for field in FREE_TEXT:
            item[field] = hostile(item.get(field) or "内容")
    return yaml.safe_dump(plan, allow_unicode=True, sort_keys=False)


def readable(fmt: str, data: bytes) -> None:
    """The file opens in its own reader."""
    if fmt == "docx":
        assert read_docx(io.BytesIO(data)).paragraphs
    elif fmt == "xlsx":
        assert openpyxl.load_workbook(io.BytesIO(data)).worksheets
    elif fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf") and data.decode("utf-8")
    else:
        assert data.startswith(b"%PDF-")


EXPORTS = [("items", f) for f in ("xlsx", "docx", "pdf", "csv")] + [
    ("ledger", f) for f in ("xlsx", "docx", "pdf", "csv")] + [
    ("review", f) for f in ("docx", "xlsx", "pdf")]
URLS = {"items": "/reports/register.{fmt}?plan=ogy", "ledger": "/reports/leaders.{fmt}?plan=ogy",
        "review": "/reports/review.{fmt}?plan=ogy"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("hostile")
    base = ["--db", f"sqlite:///{tmp / 'store.db'}", "--instance", str(tmp / "cli")]
    patch = pytest.MonkeyPatch()
    patch.setattr(tracker.demo, "demo_plan_text", hostile_plan)
    for step in (["init"], ["demo"]):
        result = CliRunner().invoke(main, [*base, *step], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    patch.undo()
    app = make_web_app(f"sqlite:///{tmp / 'store.db'}", tmp / "web")
    services_of(app).accounts.add("chief", "admin", person="secretary", password=PASSWORD)
    _hostile_history(app)
    yield {"base": base, "tmp": tmp, "app": app}
    services_of(app).close()


def _hostile_history(app: Flask) -> None:
    """A progress note, a cancellation and a nomination carrying every control character."""
    client = app.test_client()
    headers = bearer(api_token(app, "chief"))
    items = client.get("/api/items?plan=ogy", headers=headers).get_json()
    items = items["items"] if isinstance(items, dict) else items
    first, second = items[-1]["id"], items[-2]["id"]  # still open
    for url, body in ((f"/api/items/{first}/comment", {"text": f"备注{BAD}"}),
                      (f"/api/items/{second}/cancel", {"reason": f"撤销{BAD}原因"})):
        response = client.post(url, json=body, headers=headers)
        assert response.status_code < 300, response.get_json()
    svc = services_of(app)
    from tracker.permissions import SYSTEM

    result = svc.tracker.nominate(SYSTEM, "ogy", kind="unit", key="teachers",
                                  reason=f"推荐{BAD}理由")
    svc.sync(result.notification_id)


@pytest.mark.parametrize(("paper", "fmt"), EXPORTS)
def test_cli_exports_survive_control_characters(store: dict[str, Any], paper: str,
                                                fmt: str) -> None:
    out = store["tmp"] / f"cli-{paper}.{fmt}"
    args = ["export", paper, "--plan", "ogy", "--format", fmt, "--output", str(out)]
    result = CliRunner().invoke(main, [*store["base"], *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    readable(fmt, Path(out).read_bytes())


@pytest.mark.parametrize(("paper", "fmt"), EXPORTS)
def test_web_downloads_survive_control_characters(store: dict[str, Any], paper: str,
                                                  fmt: str) -> None:
    client = store["app"].test_client()
    login(client, "chief", PASSWORD)
    response = client.get(URLS[paper].format(fmt=fmt))
    assert response.status_code == 200
    readable(fmt, response.data)


@pytest.mark.parametrize("url", ["/reports/register?plan=ogy", "/reports/review?plan=ogy",
                                 "/reports/leaders?plan=ogy", "/reports/paper.css"])
def test_report_pages_survive_control_characters(store: dict[str, Any], url: str) -> None:
    client = store["app"].test_client()
    login(client, "chief", PASSWORD)
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    if "-paper\"" in html:  # the paper itself holds only what every format can hold
        assert "\x0b" not in html.split("-paper\"", 1)[1].split("</article>")[0]
