"""The demo's papers as LibreOffice renders them: A4 landscape, titles, names never keys."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from papers_render import A4_LANDSCAPE, holds, page_count, page_sizes, squeeze, text, to_pdf

from tracker.cli import Context, main
from tracker.cli.wiring import queries

DEMO = Path(__file__).resolve().parents[1] / "tracker" / "data" / "demo_plan.yaml"


def demo_keys() -> set[str]:
    """The demo plan's internal keys: plan, people, units, items."""
    plan = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    keys = {plan["plan"]["key"]}
    keys |= {p["key"] for p in plan["people"]} | {u["key"] for u in plan["units"]}
    keys |= {i["key"] for i in plan["items"] if "key" in i}
    return keys


def cli(base: list[str], *args: str) -> str:
    result = CliRunner().invoke(main, [*base, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    tmp = tmp_path_factory.mktemp("papers")
    base = ["--db", f"sqlite:///{tmp / 'store.db'}", "--instance", str(tmp / "instance")]
    cli(base, "init")
    cli(base, "demo")
    files = {"items-xlsx": tmp / "items-xlsx.xlsx", "items-docx": tmp / "items-docx.docx",
             "review": tmp / "review.docx", "review-en": tmp / "review-en.docx"}
    cli(base, "export", "items", "--format", "xlsx", "--output", str(files["items-xlsx"]))
    cli(base, "export", "items", "--format", "docx", "--output", str(files["items-docx"]))
    cli(base, "export", "review", "--plan", "ogy", "--output", str(files["review"]))
    cli(base, "export", "review", "--plan", "ogy", "--lang", "en", "--output",
        str(files["review-en"]))
    ctx = Context(str(tmp / "instance"), f"sqlite:///{tmp / 'store.db'}")
    titles = [c["title"] for c in queries(ctx).board("ogy", include_cancelled=True)]
    ctx.close()
    pdfs = dict(zip(files, to_pdf(list(files.values()), tmp), strict=True))
    yield {**pdfs, "titles": titles}  # type: ignore[dict-item]


@pytest.mark.parametrize("name", ["items-xlsx", "items-docx"])
def test_register_prints_on_a_few_landscape_a4_pages_with_title_and_page_numbers(
        rendered: dict[str, Path], name: str) -> None:
    pdf = rendered[name]
    assert 1 <= page_count(pdf) <= 6
    for width, height in page_sizes(pdf):
        assert abs(width - A4_LANDSCAPE[0]) < 2 and abs(height - A4_LANDSCAPE[1]) < 2
    first = squeeze(text(pdf, 1))
    assert re.search(r"基层组织建设年活动工作台账（截至\d{4}年\d{1,2}月\d{1,2}日）", first)
    assert re.search(r"第1页共\d+页", first)


@pytest.mark.parametrize("name", ["items-xlsx", "items-docx"])
def test_register_holds_every_demo_title_and_no_internal_key(
        rendered: dict[str, Path], name: str) -> None:
    whole = text(rendered[name])
    flat = squeeze(whole)
    titles = rendered["titles"]  # type: ignore[attr-defined]
    assert len(titles) >= 40
    missing = [t for t in titles if not holds(flat, t)]
    assert missing == []
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_#]*", whole))
    assert words & demo_keys() == set()


def test_review_in_chinese_has_no_english_word_and_ends_with_the_signature_block(
        rendered: dict[str, Path]) -> None:
    pdf = rendered["review"]
    whole = re.sub(r"\b[0-9a-f]{64}\b", "", text(pdf))
    assert re.findall(r"[A-Za-z]{2,}", whole) == []
    last = squeeze(text(pdf, page_count(pdf)))
    assert "单位（盖章）" in last and "负责人签字" in last and "日期" in last
    assert all(abs(w - A4_LANDSCAPE[0]) < 2 for w, _h in page_sizes(pdf))


def test_review_in_english_is_english(rendered: dict[str, Path]) -> None:
    whole = text(rendered["review-en"])
    assert "Final review" in whole or "final review" in whole
    assert "Unit (seal)" in whole and re.search(r"Page 1 of \d+", whole)
