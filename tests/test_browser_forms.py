"""The create form in real Chromium launched in an English locale: the Chinese page asks for
dates year first, warns live about a date outside the phase, picks people and units by typing part
of a name, previews a recurring item and lets one with a due day go without a due date; an
item's owner is changed by typing part of a Chinese name."""

from __future__ import annotations

import pytest
import test_browser_board as shared
from boardfixtures import iid
from playwright.sync_api import Browser, expect
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
    page.fill("#new-units-q", "机关")
    expect(page.locator("#new-units-options li")).to_have_text(["机关支部"])  # as typed
    page.check("input[name=units][value=u9]")
    page.fill("#new-units-q", "无此单位")
    page.wait_for_selector("#new-units-options .picker-empty")
    assert page.is_checked("input[name=units][value=u9]")  # the chosen unit stays chosen
    assert "没有与“无此单位”相符的单位。" in page.inner_text("#new-units-options")
    page.fill("#new-units-q", "")
    shot(page, "create-form-zh-en-browser")
    page.fill("#new-title", "月度报送")
    page.fill("#new-owner-q", "负责")
    expect(page.locator("#new-owner-options li")).to_have_count(2)
    page.press("#new-owner-q", "Enter")  # Enter in a search box submits nothing
    assert "/items/new" in page.url
    page.check("#new-owner-options input[value=owner]")
    page.check("#new-lead_unit-options input[value=u1]")
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


def test_an_owner_is_changed_by_typing_part_of_a_chinese_name(browser: Browser, live: Live) -> None:
    context, page = new_page(browser, live, locale="zh-CN")
    sign_in(page, live, "admin")
    page.goto(f"{live.url}/items/{iid('mine')}")
    page.click("details.action-reassign summary")
    picker = page.locator("#f-reassign-owner")
    assert picker.locator("input[value=owner]").is_checked()  # the current owner, untyped
    page.fill("#f-reassign-owner-q", "另一")
    options = page.locator("#f-reassign-owner-options li")
    expect(options).to_have_text(["负责人", "另一负责人"])  # the chosen owner, then the match
    page.focus("#f-reassign-owner-q")
    page.keyboard.press("Tab")  # into the radios: the chosen one, then the arrow keys move on
    page.keyboard.press("ArrowDown")
    assert picker.locator("input[value=other]").is_checked()
    page.fill("details.action-reassign textarea[name=reason]", "工作调整")
    page.click("details.action-reassign button[type=submit]")
    expect(page.locator("#item dl.fields")).to_contain_text("另一负责人")
    card = services_of(live.app).queries.get_card(iid("mine"))
    assert card is not None and card["owner"] == "other"
    context.close()
    no_csp_errors(live)
