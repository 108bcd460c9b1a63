"""Real Chromium (Debian's, never downloaded) against the app served on a free local port."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from boardfixtures import iid
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from webfixtures import PLAN_KEY, make_web_app, password_of, seed, services_of
from werkzeug.serving import make_server

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-output"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@dataclass
class Live:
    """The served app: its base URL and the Flask app (for looking into the store)."""

    url: str
    app: Flask
    console: list[str] = field(default_factory=list)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    """The seeded app served by werkzeug in a thread on 127.0.0.1 (SQLite)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's Chromium is not installed")
    app = make_web_app(f"sqlite:///{tmp_path / 'tracker.db'}", tmp_path / "instance")
    seed(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Live(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        services_of(app).close()


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Chromium, headless."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


def new_page(browser: Browser, live: Live, locale: str = "en-US") -> tuple[BrowserContext, Page]:
    """A fresh browser context (its own cookies) and page; console errors are collected."""
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("console", lambda m: live.console.append(m.text) if m.type == "error" else None)
    return context, page


def sign_in(page: Page, live: Live, who: str) -> None:
    page.goto(f"{live.url}/login")
    page.fill("#username", who)
    page.fill("#password", password_of(who))
    page.click("form.auth-form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def board(page: Page, live: Live) -> None:
    page.goto(f"{live.url}/plans/{PLAN_KEY}/board")


def drag(page: Page, card_id: str, status: str) -> None:
    """Drag a card onto a column and wait for the server's answer to be swapped in."""
    with page.expect_response(lambda r: r.url.endswith(f"/items/{card_id}/move")):
        page.drag_and_drop(f"#card-{card_id}", f".cards[data-status={status}]")
    page.wait_for_selector(f"#card-{card_id}:not(.pending)")


def column_of(page: Page, card_id: str) -> str:
    return str(page.eval_on_selector(f"#card-{card_id}",
                                     "el => el.closest('.cards').dataset.status"))


def no_csp_errors(live: Live) -> None:
    assert [m for m in live.console if "Content Security Policy" in m] == []


def test_an_item_is_created_dragged_submitted_and_accepted(browser: Browser, live: Live) -> None:
    context, page = new_page(browser, live)
    sign_in(page, live, "leader")
    page.goto(f"{live.url}/plans/{PLAN_KEY}/items/new")
    page.fill("#new-title", "浏览器里建的事项")
    page.check("#new-owner-options input[value=owner]")
    page.check("#new-lead_unit-options input[value=u1]")
    page.fill("#new-due", "2012-10-01")
    page.fill("#new-deliverable", "会议纪要")
    page.click("form#new-item button[type=submit]")
    page.wait_for_url("**/items/*")
    item = page.url.rsplit("/", 1)[1]
    assert page.inner_text("h1.item-title") == "浏览器里建的事项"
    context.close()

    context, page = new_page(browser, live)
    sign_in(page, live, "member")
    board(page, live)
    drag(page, item, "doing")
    assert column_of(page, item) == "doing"
    page.reload()
    assert column_of(page, item) == "doing"  # it stays after a reload
    drag(page, item, "submitted")
    page.wait_for_selector(".board-dialog textarea[name=outcome]")
    assert column_of(page, item) == "doing"  # not submitted until the outcome is given
    page.fill(".board-dialog textarea[name=outcome]", "会议已召开，纪要已归档")
    page.fill(".board-dialog textarea[name=evidence]", "minutes-2012-10.pdf")
    page.click(".board-dialog button[type=submit]")
    page.wait_for_selector(f".cards[data-status=submitted] #card-{item}")
    shot(page, "board-submitted")
    context.close()

    context, page = new_page(browser, live)
    sign_in(page, live, "leader")
    board(page, live)
    drag(page, item, "done")
    assert column_of(page, item) == "done"
    shot(page, "board-accepted")
    stored = services_of(live.app).tracker.get_item(item)
    assert stored.status == "done" and stored.completion["outcome"] == "会议已召开，纪要已归档"
    context.close()
    no_csp_errors(live)


def test_the_language_switches_to_english_and_back(browser: Browser, live: Live) -> None:
    context, page = new_page(browser, live, locale="zh-CN")
    sign_in(page, live, "member")
    board(page, live)
    assert page.get_attribute("html", "lang") == "zh-CN"
    page.click("form.lang button[value=en]")
    page.wait_for_selector("html[lang=en]")
    assert "/board" in page.url
    assert page.wait_for_selector("h3.column-title:has-text('In progress')", state="visible")
    shot(page, "board-english")
    page.click("form.lang button[value=zh_Hans_CN]")
    page.wait_for_selector("html[lang=zh-CN]")
    shot(page, "board-chinese")
    context.close()
    no_csp_errors(live)


def test_a_forbidden_move_snaps_back_with_the_reason(browser: Browser, live: Live) -> None:
    context, page = new_page(browser, live)
    sign_in(page, live, "member")
    board(page, live)
    mine = iid("mine")
    drag(page, mine, "done")
    message = page.wait_for_selector(".board-message[role=alert]")
    assert message is not None and "reviewer accepts" in message.inner_text()
    assert column_of(page, mine) == "todo"
    shot(page, "board-forbidden-move")
    # The same refusal without a mouse: the card's own move control (it opens on focus).
    page.focus(f"#move-{mine}")
    page.select_option(f"#move-{mine}", "done")
    with page.expect_response(lambda r: r.url.endswith("/move")):
        page.click(f"#card-{mine} .move-form button")
    assert column_of(page, mine) == "todo"
    assert services_of(live.app).tracker.get_item(mine).status == "todo"
    context.close()
    no_csp_errors(live)


def test_a_stale_form_in_a_second_browser_gets_the_conflict_view(browser: Browser,
                                                                  live: Live) -> None:
    mine = iid("mine")
    first_ctx, first = new_page(browser, live)
    second_ctx, second = new_page(browser, live)
    sign_in(first, live, "member")
    sign_in(second, live, "leader")
    for page in (first, second):
        page.goto(f"{live.url}/items/{mine}")
    for page, title in ((first, "第一个人的标题"), (second, "第二个人的标题")):
        page.click(".editable-title summary")
        page.fill("#edit-title", title)
    with first.expect_response(lambda r: "/commands/edit" in r.url):
        first.click(".editable-title form button[type=submit]")
    first.wait_for_selector("h1.item-title:has-text('第一个人的标题')")
    with second.expect_response(lambda r: "/commands/edit" in r.url) as answer:
        second.click(".editable-title form button[type=submit]")
    assert answer.value.status == 409
    conflict = second.wait_for_selector("[data-conflict=true]")
    assert conflict is not None and "第一个人的标题" in conflict.inner_text()
    assert second.inner_text("h1.item-title") == "第一个人的标题"  # the fresh state
    shot(second, "item-conflict")
    stored = services_of(live.app).tracker.get_item(mine)
    assert stored.title == "第一个人的标题" and stored.version == 2
    first_ctx.close()
    second_ctx.close()
    no_csp_errors(live)
