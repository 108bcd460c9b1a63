"""The import page in real Chromium: a real-sized task sheet (80 tasks, 30 units) previewed in
Chinese and English on a laptop and a phone, confirmed, then the plan's overview."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from tasksheets import big_sheet
from test_browser_board import SHOTS, Live, browser, live, shot, sign_in  # noqa: F401

pytestmark = pytest.mark.browser
SIZES = {"laptop": (1366, 768), "phone": (390, 844)}


def _page(browser: Browser, live: Live, locale: str, size: str) -> Page:  # noqa: F811
    width, height = SIZES[size]
    context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
    page = context.new_page()
    page.on("console", lambda m: live.console.append(m.text) if m.type == "error" else None)
    return page


def _preview(page: Page, live: Live, sheet: Path) -> None:  # noqa: F811
    page.goto(f"{live.url}/import")
    page.set_input_files("#import-file", str(sheet))
    page.click("form.import-form button[type=submit]")
    page.wait_for_selector(".import-preview, .import-problems")


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_a_real_sized_task_sheet_is_previewed_then_imported_and_overviewed(
        browser: Browser, live: Live, tmp_path: Path, locale: str) -> None:  # noqa: F811
    sheet = tmp_path / "任务分解表.xlsx"
    sheet.write_bytes(big_sheet())
    lang = "zh" if locale.startswith("zh") else "en"
    for size in SIZES:
        page = _page(browser, live, locale, size)
        sign_in(page, live, "admin")
        _preview(page, live, sheet)
        rows = page.locator(".import-preview table tbody tr")
        assert rows.count() == 80
        heading = page.inner_text("#preview-heading")
        assert ("预览" if lang == "zh" else "Preview") in heading
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= SIZES[size][0] + 1, f"the page scrolls sideways at {size}"
        shot(page, f"import-preview-{lang}-{size}")
        page.locator("#preview-heading").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"import-preview-{lang}-{size}-view.png"))
        page.context.close()
    page = _page(browser, live, locale, "laptop")
    sign_in(page, live, "admin")
    _preview(page, live, sheet)
    page.click("form.import-confirm button[type=submit]")
    page.wait_for_url("**/plans/key2026")
    no_phase = "未分阶段的工作项目" if lang == "zh" else "Items without a phase"
    row = page.locator("tr.no-phase")
    assert no_phase in row.inner_text() and "0/53" in row.inner_text()
    shot(page, f"import-overview-{lang}-laptop")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, f"import-overview-{lang}-phone")
    assert not live.console
