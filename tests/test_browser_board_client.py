"""The board's behaviour in real Chromium: compact cards, answers by their card, drop areas the
column's height, filters on Back/Forward, focus after keyboard moves, stale drags, search as
you type, folding lanes. One server and one browser for the module."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from boardfixtures import iid
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, sync_playwright
from test_browser_board import ARGS, CHROMIUM, SHOTS, Live, column_of, sign_in
from webfixtures import (
    ACCOUNTS,
    FAST_HASHER,
    PLAN_KEY,
    SEED_PLAN,
    make_web_app,
    password_of,
    services_of,
)
from werkzeug.serving import make_server

from tracker.importer import import_plan
from tracker.permissions import SYSTEM, Actor
from tracker.planfile import parse_plan_file

pytestmark = pytest.mark.browser
DESKTOP: ViewportSize = {"width": 1366, "height": 768}
BOARD = f"/plans/{PLAN_KEY}/board"
# Eight more items of the member's, so that the To do column is taller than the screen.
EXTRA = "".join(f"  - {{key: e{n}, title: 额外事项{n}, owner: owner, lead_unit: u1, "
                f"due: 2012-0{n}-15, phase: P1, goal: G1}}\n" for n in range(1, 9))


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The seed plan with the extra items, served on a free local port (SQLite)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's Chromium is not installed")
    tmp = Path(tmp_path_factory.mktemp("board-client"))
    app = make_web_app(f"sqlite:///{tmp / 'tracker.db'}", tmp / "instance")
    svc = services_of(app)
    svc.accounts.hasher = FAST_HASHER
    result = import_plan(svc.tracker, parse_plan_file(SEED_PLAN + EXTRA), SYSTEM)
    svc.sync(result.notification_id)
    for login, (role, person) in ACCOUNTS.items():
        svc.accounts.add(login, role, person=person, password=password_of(login))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Live(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        svc.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium, headless, once for the module."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def member(browser: Browser, live: Live) -> Iterator[BrowserContext]:
    """One context (cookies, storage) at 1366×768 in Chinese with the member signed in."""
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    first = context.new_page()
    sign_in(first, live, "member")
    first.close()
    yield context
    context.close()


@pytest.fixture
def page(member: BrowserContext, live: Live) -> Iterator[Page]:
    """A new tab on the board; every console error is collected, and none may be a Content
    Security Policy violation."""
    tab = member.new_page()
    tab.set_viewport_size(DESKTOP)
    live.console.clear()
    tab.on("console", lambda m: live.console.append(m.text) if m.type == "error" else None)
    tab.goto(f"{live.url}{BOARD}")
    yield tab
    tab.close()
    assert [m for m in live.console if "Content Security Policy" in m] == []


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"board-client-{name}.png"))


def drop(page: Page, card: str, status: str) -> None:
    """Drag a card with the mouse onto a column at the card's own height (no scrolling between:
    the drop areas are as tall as the tallest column), and wait for the server's answer."""
    source = page.locator(f"#card-{card}")
    source.scroll_into_view_if_needed()
    box = source.bounding_box()
    zone = page.locator(f".cards[data-status={status}]").first.bounding_box()
    assert box and zone
    with page.expect_response(lambda r: r.url.endswith(f"/items/{card}/move")):
        page.mouse.move(box["x"] + 30, box["y"] + 10)
        page.mouse.down()
        page.mouse.move(zone["x"] + zone["width"] / 2, box["y"] + 10, steps=5)
        page.mouse.up()
    page.wait_for_selector(f"#card-{card}:not(.pending)")


def move_form_height(page: Page, key: str) -> float:
    return float(page.eval_on_selector(f"#card-{iid(key)} .move-form", "el => el.clientHeight"))


def focused_card(page: Page) -> str | None:
    return page.evaluate("(document.activeElement.closest('.card') || {}).id || null")


def test_cards_are_compact_and_a_keyboard_move_keeps_the_focus_on_the_card(page: Page) -> None:
    card = iid("e1")
    assert move_form_height(page, "e1") < 3  # folded away until the card is used
    page.focus(f"#card-{card} .card-title a")
    page.keyboard.press("Tab")  # into the card's move control: it opens
    assert page.evaluate("document.activeElement.id") == f"move-{card}"
    assert move_form_height(page, "e1") > 15
    shot(page, "focused-card")
    page.select_option(f"#move-{card}", "doing")
    page.keyboard.press("Tab")
    with page.expect_response(lambda r: r.url.endswith(f"/items/{card}/move")):
        page.keyboard.press("Enter")
    page.wait_for_selector(f".cards[data-status=doing] #card-{card}")
    page.wait_for_function(f"document.activeElement.closest('#card-{card}') !== null")
    assert focused_card(page) == f"card-{card}" and column_of(page, card) == "doing"


def test_a_refused_drag_shows_its_reason_right_below_the_card(page: Page) -> None:
    card = iid("e2")
    drop(page, card, "done")
    reason = page.wait_for_selector(f"#card-{card} + .card-answer [role=alert]")
    assert reason is not None and "须经验收通过" in reason.inner_text()  # in Chinese
    assert column_of(page, card) == "todo"
    assert page.query_selector("#board > .board-message") is None  # not at the board's top
    gap = page.eval_on_selector(f"#card-{card}", """card => card.nextElementSibling
        .getBoundingClientRect().top - card.getBoundingClientRect().bottom""")
    assert 0 <= gap < 20  # right below the card that snapped back
    shot(page, "refused-drag")


def test_an_empty_column_takes_a_drop_low_down_when_the_page_is_scrolled(page: Page) -> None:
    page.set_viewport_size({"width": 1366, "height": 500})
    last = page.locator(".column-todo .card[data-move-url]").last  # the member's own
    card = str(last.get_attribute("id")).removeprefix("card-")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    todo = page.locator(".column-todo").bounding_box()
    zone = page.locator(".column-submitted .cards").bounding_box()
    assert todo and zone and zone["y"] + zone["height"] > todo["y"] + todo["height"] - 20
    source = last.bounding_box()
    assert source and source["y"] > 0  # the card and the empty column's low end are on screen
    drop(page, card, "submitted")
    # To do → Submitted asks first (the move needs work begun): the answer sits by the card.
    page.wait_for_selector(f"#card-{card} + .card-answer [role=alert], "
                           f"#card-{card} + .card-answer .board-dialog")


def test_back_and_forward_restore_every_filter_control_from_the_address(page: Page) -> None:
    shot(page, "filters-start")  # a screenshot leaves empty style attributes on inputs
    page.select_option("#flt-light", "red")
    page.wait_for_url("**light=red**")
    page.select_option("#flt-lane", "owner")
    page.wait_for_url("**lane=owner**")
    page.wait_for_selector(".lane-toggle")
    for step, light, lane in ((page.go_back, "red", ""), (page.go_back, "", ""),
                              (page.go_forward, "red", ""), (page.go_forward, "red", "owner")):
        page.evaluate("window.before = true")
        step()
        page.wait_for_function("window.before === undefined")  # the board came from the server
        page.wait_for_load_state()
        assert (page.input_value("#flt-light"), page.input_value("#flt-lane")) == (light, lane)
    assert page.query_selector(".lane-toggle") is not None  # the board matches its controls


def test_search_runs_as_you_type_and_keeps_the_address_in_sync(page: Page) -> None:
    with page.expect_response(lambda r: "q=" in r.url and "/board" in r.url):
        page.type("#flt-q", "组长的", delay=40)  # no Enter
    page.wait_for_url("**q=**")
    page.wait_for_function("document.querySelectorAll('#board .card').length === 1")
    assert page.inner_text("#board .card-title") == "组长的事项"
    assert page.evaluate("document.activeElement.id") == "flt-q"  # typing goes on
    page.reload()
    assert page.input_value("#flt-q") == "组长的"


def test_a_stale_drag_shows_the_conflict_with_what_was_typed(page: Page, live: Live) -> None:
    card = iid("e5")
    services_of(live.app).run(card, "start", Actor("owner", "member"))
    page.reload()
    drop(page, card, "submitted")
    page.wait_for_function("document.activeElement.name === 'outcome'")  # the form asks first
    page.fill(f"#card-{card} + .card-answer textarea[name=outcome]", "纪要已写好并归档")
    services_of(live.app).run(card, "edit", Actor("chief", "leader"), title="额外事项五（改）")
    with page.expect_response(lambda r: r.url.endswith(f"/items/{card}/move")) as answer:
        page.click(f"#card-{card} + .card-answer .board-dialog button[type=submit]")
    assert answer.value.status == 409
    conflict = page.wait_for_selector(f"#card-{card} + .card-answer [data-conflict=true]")
    assert conflict is not None and "纪要已写好并归档" in conflict.inner_text()
    assert "额外事项五（改）" in conflict.inner_text()  # who changed what
    again = f"#card-{card} + .card-answer textarea[name=outcome]"
    assert page.input_value(again) == "纪要已写好并归档"  # offered again on the new version
    shot(page, "stale-drag")
    page.click(f"#card-{card} + .card-answer .board-dialog button[type=submit]")
    page.wait_for_selector(f".cards[data-status=submitted] #card-{card}")
    stored = services_of(live.app).tracker.get_item(card)
    assert stored.completion["outcome"] == "纪要已写好并归档"


def test_lanes_fold_and_stay_folded_for_that_account(browser: Browser, live: Live) -> None:
    context = browser.new_context(locale="en-US", viewport=DESKTOP)
    page = context.new_page()
    page.on("console", lambda m: live.console.append(m.text) if m.type == "error" else None)
    sign_in(page, live, "member")
    page.goto(f"{live.url}{BOARD}?lane=owner")
    toggle = page.locator(".lane-toggle").first
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator(".lane").first.locator(".columns").is_visible()
    page.reload()
    assert page.locator(".lane-toggle").first.get_attribute("aria-expanded") == "false"
    assert not page.locator(".lane").first.locator(".columns").is_visible()
    assert page.locator(".lane").nth(1).locator(".columns").is_visible()  # only that one
    shot(page, "folded-lane")
    for who, expanded in (("leader", "true"), ("member", "false")):  # each account its own
        with page.expect_navigation():
            page.click("form.logout button")
        sign_in(page, live, who)
        page.goto(f"{live.url}{BOARD}?lane=owner")
        assert page.locator(".lane-toggle").first.get_attribute("aria-expanded") == expanded
    context.close()
