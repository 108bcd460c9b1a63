"""The create form in real Chromium launched in an English locale: the Chinese page asks for
dates year first, warns live about a date outside the phase, filters a long unit list, previews
a recurring item and lets one with a due day go without a due date."""

from __future__ import annotations

import pytest
import test_browser_board as shared
from playwright.sync_api import Browser
from test_browser_board import Live, new_page, no_csp_errors, shot, sign_in
from test_create_form import phased
from webfixtures import services_of

pytestmark = pytest.mark.browser
browser = shared.browser  # the fixtures: Chromium, and the seeded app served on a free port
live = shared.live


def test_the_chinese_create_form_in_an_english_browser(browser: Browser, live: Live) -> None:
    phased(live.app)
    context, page = new_page(browser, live, locale="en-US")
    sign_in(page, live, "admin")
    page.click("form.lang button[value=zh_Hans_CN]")
    page.wait_for_load_state()
    page.goto(f"{live.url}/plans/phased/items/new")
    due = page.locator("#new-due")
    assert due.get_attribute("type") == "text" and due.get_attribute("placeholder") == "年-月-日"
    page.select_option("#new-phase", "P1")
    due.fill("2026-06-01")
    page.wait_for_selector(".due-warning")
    assert "不在阶段“动员部署”之内" in page.inner_text("#due-hint")
    due.fill("2026-02-01")
    page.wait_for_selector(".due-warning", state="detached")
    assert "方案期限：2026年1月1日至2026年12月31日" in page.inner_text("#due-hint")
    page.fill(".unit-filter", "机关")
    visible = [t.strip() for t in page.locator(".unit-list li:visible").all_inner_texts()]
    assert visible == ["机关支部"]
    page.check("input[name=units][value=u9]")
    page.fill(".unit-filter", "")
    shot(page, "create-form-zh-en-browser")
    page.fill("#new-title", "月度报送")
    page.select_option("#new-owner", "owner")
    page.select_option("#new-lead_unit", "u1")
    due.fill("")
    page.select_option("#new-every", "1 month")
    page.fill("#new-due_day", "5")
    page.locator("#new-due_day").blur()
    page.wait_for_selector(".recurrence-items")
    assert "将生成12个事项：" in page.inner_text("#recurrence-preview")
    page.click("form#new-item button[type=submit]")
    page.wait_for_url("**/items/*")
    assert page.inner_text("h1.item-title") == "月度报送（2026年1月）"
    made = [c for c in services_of(live.app).queries.board("phased")
            if c["key"].startswith("form:")]
    assert len(made) == 12 and all(c["units"] == ["u9"] for c in made)
    context.close()
    no_csp_errors(live)
