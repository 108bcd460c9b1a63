"""The item page in real Chromium after a command answered with only what changed: the new
progress and the new timeline entry on top without a reload, the next command on the advanced
version, and a second tab's stale form refused with the conflict view; Chinese and English, on
a desktop and a phone."""

from __future__ import annotations

from pathlib import Path

import pytest
import test_browser_board as shared
from boardfixtures import iid
from playwright.sync_api import Browser, Page, ViewportSize
from test_browser_board import Live, new_page, no_csp_errors, shot, sign_in
from webfixtures import services_of

from tracker.permissions import SYSTEM

pytestmark = pytest.mark.browser
browser = shared.browser  # the fixtures: Chromium, and the seeded app served on a free port
live = shared.live
SIZES = {"desktop": ViewportSize(width=1366, height=768),
         "phone": ViewportSize(width=390, height=844)}
DONE = {"en-US": "Done: Report progress.", "zh-CN": "操作成功："}
CONFLICT = {"en-US": "Someone else changed this item first", "zh-CN": "他人已先修改了此事项"}


def reports(live: Live, key: str, count: int) -> int:
    """Give the item a timeline of progress reports; its version after them."""
    svc = services_of(live.app)
    for n in range(count):
        result = svc.tracker.execute(iid(key), "report", SYSTEM, None, note=f"第{n}次进展",
                                     percent=n)
    svc.sync(result.notification_id)
    return int(result.version)


def report(page: Page, note: str, percent: str) -> int:
    """Report progress through the item page's form; the answer's status."""
    page.click(".action-report summary")
    page.fill("#f-report-note", note)
    page.fill("#f-report-percent", percent)
    with page.expect_response(lambda r: "/commands/report" in r.url) as answer:
        page.click(".action-report button[type=submit]")
    return answer.value.status


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_a_command_updates_the_page_in_place_and_the_next_one_follows(
        browser: Browser, live: Live, locale: str) -> None:
    version = reports(live, "mine", 12)
    mine = iid("mine")
    first_ctx, first = new_page(browser, live, locale=locale)
    second_ctx, second = new_page(browser, live, locale=locale)
    sign_in(first, live, "member")
    sign_in(second, live, "leader")
    for page in (first, second):
        page.goto(f"{live.url}/items/{mine}")
    first.evaluate("window.notReloaded = true")

    assert report(first, "过半了", "60") == 200
    first.wait_for_selector(f"#timeline-list > li#event-{version + 1}:first-child")
    assert DONE[locale] in first.inner_text("#item-flash")
    assert first.get_attribute("#item-fields progress", "value") == "60"
    assert "过半了" in first.inner_text(f"#event-{version + 1}")
    assert first.locator("#timeline-list > li").count() == version + 1
    assert first.locator("input[name=expected_version]").evaluate_all(
        "els => [...new Set(els.map(e => e.value))]") == [str(version + 1)]

    # The same actions are offered after a report: the page keeps them, and the answer
    # replaces the report form (closed, emptied), the undo control and every form's version.
    first.evaluate("document.getElementById('item-actions').dataset.kept = 'yes'")
    assert report(first, "快完成了", "90") == 200  # the advanced version, no reload
    first.wait_for_selector(f"#timeline-list > li#event-{version + 2}:first-child")
    assert first.get_attribute("#item-fields progress", "value") == "90"
    assert first.get_attribute("#item-actions", "data-kept") == "yes"
    assert first.locator("#action-report[open]").count() == 0
    assert first.input_value("#f-report-note") == ""
    assert first.locator("input[name=expected_version]").evaluate_all(
        "els => [...new Set(els.map(e => e.value))]") == [str(version + 2)]
    assert first.locator("#item-actions > #item-undo").count() == 1  # the undo slot, replaced
    # The inline edits and the evidence forms stay; the meta line and the facts are new.
    assert str(version + 2) in first.inner_text("#item-head .item-version")
    assert first.locator("#item-head .inline-edit form, #item-texts .inline-edit form, "
                         "#evidence-forms form").count() == 5
    # The texts and the facts are one grid: their terms and values line up.
    terms = first.locator("#item-fields dt").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().left))")
    values = first.locator("#item-fields dd").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().left))")
    assert len(set(terms)) == 1 and len(set(values)) == 1 and values[0] > terms[0]
    assert first.evaluate("window.notReloaded") is True
    for name, size in SIZES.items():
        first.set_viewport_size(size)
        shot(first, f"item-after-command-{locale}-{name}")

    second.click(".action-chase summary")
    second.fill("#f-chase-note", "请抓紧")
    with second.expect_response(lambda r: "/commands/chase" in r.url) as answer:
        second.click(".action-chase button[type=submit]")
    assert answer.value.status == 409
    conflict = second.wait_for_selector("#item-flash [data-conflict=true]")
    assert conflict is not None and CONFLICT[locale] in conflict.inner_text()
    assert second.get_attribute("#item-fields progress", "value") == "90"  # the fresh item
    assert services_of(live.app).tracker.get_item(mine).version == version + 2
    first_ctx.close()
    second_ctx.close()
    no_csp_errors(live)


ATTACHED = {"en-US": "The file was attached.", "zh-CN": "文件已附上。"}
UNDONE = {"en-US": "The change was undone.", "zh-CN": "已撤销该变更。"}


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_an_attached_file_and_an_undo_update_the_page_in_place(
        browser: Browser, live: Live, locale: str, tmp_path: Path) -> None:
    mine = iid("mine")
    minutes = tmp_path / "会议纪要.pdf"
    minutes.write_bytes(b"%PDF-1.4\n branch meeting minutes \n%%EOF\n")
    context, page = new_page(browser, live, locale=locale)
    sign_in(page, live, "member")
    page.goto(f"{live.url}/items/{mine}")
    page.evaluate("window.notReloaded = true")
    version = services_of(live.app).tracker.get_item(mine).version

    page.click(".action-evidence summary")
    page.set_input_files("#evidence-file", str(minutes))
    with page.expect_response(lambda r: r.url.endswith("/evidence")) as answer:
        page.click(".action-evidence button[type=submit]")
    assert answer.value.status == 200
    page.wait_for_selector("#evidence-list a:has-text('会议纪要.pdf')")
    page.wait_for_selector(f"#timeline-list > li#event-{version + 1}:first-child")
    assert ATTACHED[locale] in page.inner_text("#item-flash")

    with page.expect_response(lambda r: "/commands/start" in r.url):
        page.click("form.action-start button[type=submit]")
    page.wait_for_selector(f"#timeline-list > li#event-{version + 2}:first-child")
    page.click(".action-undo summary")
    page.fill("#undo-reason", "点错了")
    with page.expect_response(lambda r: r.url.endswith("/undo")) as answer:
        page.click(".action-undo button[type=submit]")
    assert answer.value.status == 200
    page.wait_for_selector(f"#timeline-list > li#event-{version + 3}:first-child")
    assert "点错了" in page.inner_text(f"#event-{version + 3}")
    assert UNDONE[locale] in page.inner_text("#item-flash")
    assert page.locator(".action-undo").count() == 0 and page.locator(".action-start").count()
    assert page.locator("input[name=expected_version]").evaluate_all(
        "els => [...new Set(els.map(e => e.value))]") == [str(version + 3)]
    assert page.locator("#timeline-list > li").count() == version + 3
    assert page.evaluate("window.notReloaded") is True
    for name, size in SIZES.items():
        page.set_viewport_size(size)
        shot(page, f"item-after-undo-{locale}-{name}")
    context.close()
    no_csp_errors(live)
