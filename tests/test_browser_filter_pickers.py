"""Browser: the board is filtered by an owner found by typing part of a name in the filter's
picker and chosen with a click; the board, the address and a reload agree (zh, en). The audit
trail is filtered the same way by an actor, or by an account named beside the picker."""

from __future__ import annotations

import pytest
import test_browser_board as shared
from boardfixtures import iid
from playwright.sync_api import Browser, expect
from test_browser_board import Live, new_page, no_csp_errors, shot, sign_in
from webfixtures import PLAN_KEY, services_of

from tracker.permissions import Actor

live, browser = shared.live, shared.browser  # the fixtures, shared


@pytest.mark.parametrize(("locale", "anyone"), [("zh-CN", "所有人"), ("en-US", "Anyone")])
def test_the_board_is_filtered_by_an_owner_picked_by_typing(
        browser: Browser, live: Live, locale: str, anyone: str) -> None:
    context, page = new_page(browser, live, locale)
    sign_in(page, live, "member")
    page.goto(f"{live.url}/plans/{PLAN_KEY}/board")
    options = page.locator("#flt-owner-options li")
    expect(options).to_have_text([anyone])  # nothing typed: no list
    page.fill("#flt-owner-q", "另一")
    expect(options).to_have_text([anyone, "另一负责人"])
    with page.expect_response(lambda r: "/board?" in r.url and "owner=other" in r.url):
        page.check("#flt-owner-options input[value=other]")
    expect(page.locator(f"#card-{iid('theirs')}")).to_be_visible()
    expect(page.locator(f"#card-{iid('mine')}")).to_have_count(0)
    expect(page.locator(f"#card-{iid('chiefs')}")).to_have_count(0)
    assert "owner=other" in page.url
    shot(page, f"board-owner-picker-{locale}")
    page.reload()  # the shared address shows the filter by name
    expect(page.locator("#flt-owner-options li.chosen")).to_have_text("另一负责人")
    expect(page.locator(f"#card-{iid('mine')}")).to_have_count(0)
    page.check("#flt-owner-options input[value='']")  # back to anyone
    expect(page.locator(f"#card-{iid('mine')}")).to_be_visible()
    no_csp_errors(live)
    context.close()


@pytest.mark.parametrize(("locale", "anyone"), [("zh-CN", "所有人"), ("en-US", "Anyone")])
def test_the_audit_trail_is_filtered_by_an_actor_picked_by_typing(
        browser: Browser, live: Live, locale: str, anyone: str) -> None:
    services_of(live.app).run(iid("mine"), "reassign", Actor("chief", "leader", login="leader"),
                              owner="other", reason="出差")
    context, page = new_page(browser, live, locale)
    sign_in(page, live, "viewer")
    page.goto(f"{live.url}/audit")
    options = page.locator("#audit-actor-options li")
    expect(options).to_have_text([anyone])  # nothing typed: no list of everyone
    page.fill("#audit-actor-q", "组")
    expect(options).to_have_text([anyone, "组长"])
    page.check("#audit-actor-options input[value=chief]")
    page.click("form.audit-filters button[type=submit]")
    page.wait_for_url(lambda url: "actor=chief" in url)
    expect(page.locator("td.actor")).to_have_text(["组长"])
    expect(page.locator("#audit-actor-options li.chosen")).to_have_text("组长")
    shot(page, f"audit-actor-picker-{locale}")
    page.check(".audit-other-actors input[value='user:system']")  # an account, by name
    page.click("form.audit-filters button[type=submit]")
    page.wait_for_url(lambda url: "actor=user%3Asystem" in url)
    expect(page.locator("td.actor").first).to_have_text("系统" if locale == "zh-CN" else "System")
    expect(page.locator("input[name=actor]:checked")).to_have_count(1)
    no_csp_errors(live)
    context.close()
