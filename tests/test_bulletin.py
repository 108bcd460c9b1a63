"""The bulletin 通报 of a period: CLI and page, counts, overdue items and rankings by name."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from flask import Flask
from webfixtures import *  # noqa: F403  (fixtures web_app, seeded_app, database_url)
from webfixtures import login

from tracker.cli import main

TODAY = date.today()  # a bulletin reaches at most today


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    tmp = tmp_path_factory.mktemp("bulletin")
    base = ["--db", f"sqlite:///{tmp / 'store.db'}", "--instance", str(tmp / "instance")]
    for step in (["init"], ["demo"]):
        assert CliRunner().invoke(main, [*base, *step]).exit_code == 0
    return base


def test_bulletin_docx_counts_lights_and_names_the_overdue(demo: list[str],
                                                           tmp_path: Path) -> None:
    out = tmp_path / "bulletin.docx"
    result = CliRunner().invoke(main, [*demo, "export", "bulletin", "--plan", "ogy", "--from",
                                       "2000-01-01", "--to", TODAY.isoformat(),
                                       "--output", str(out)])
    assert result.exit_code == 0, result.output
    doc = Document(str(out))
    assert (f"工作进展通报（2000年1月1日至{TODAY.year}年{TODAY.month}月{TODAY.day}日）"
            in doc.paragraphs[0].text)
    headings = [p.text for p in doc.paragraphs]
    for part in ("总体情况", "本期办结事项", "本期新增逾期事项", "持续逾期事项", "单位排名",
                 "责任人排名"):
        assert part in headings
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    assert {"红灯", "黄灯", "绿灯", "合计"} <= cells and "教师党支部" in cells


def test_bulletin_refuses_a_backward_period(demo: list[str], tmp_path: Path) -> None:
    result = CliRunner().invoke(main, [*demo, "export", "bulletin", "--plan", "ogy", "--from",
                                       "2026-02-01", "--to", "2026-01-01", "--output",
                                       str(tmp_path / "b.pdf"), "--format", "pdf"])
    assert result.exit_code == 2 and not (tmp_path / "b.pdf").exists()


def test_bulletin_page_and_downloads(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    login(client, "viewer")
    html = client.get("/reports/bulletin?from=2012-01-01&to=2012-12-31").get_data(as_text=True)
    paper = html.split('id="bulletin-paper"')[1]
    assert "progress bulletin" in paper and "Units ranked" in paper
    assert client.get("/reports/bulletin.pdf?from=2012-01-01").data.startswith(b"%PDF-")
    assert client.get("/reports/bulletin?from=2012-02-01&to=2012-01-01").status_code == 422
