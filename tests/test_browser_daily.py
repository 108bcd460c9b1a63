"""Daily work in real Chromium: the queue decided from the browser, the board on a 390×844
phone (one column at a time, a move menu), and every page of the demo fitting a phone's width."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import test_browser_board as shared
from boardfixtures import iid
from crawl import crawl
from playwright.sync_api import Browser, Page
from test_browser_board import CHROMIUM, SHOTS, Live, board, sign_in
from test_queue_web import waiting_for_a_leader
from webfixtures import FAST_HASHER, PLAN_KEY, make_web_app, services_of
from werkzeug.serving import make_server

from tracker.accounts import DEMO_ACCOUNTS
from tracker.demo import load_demo

pytestmark = pytest.mark.browser
browser = shared.browser  # the fixtures: Chromium, and the seeded app served on a free port
live = shared.live
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def open_page(browser: Browser, live: Live, viewport: dict[str, int],
              locale: str = "zh-CN") -> Page:
    context = browser.new_context(locale=locale, viewport=viewport)  # type: ignore[arg-type]
    page = context.new_page()
    page.on("console", lambda m: live.console.append(m.text) if m.type == "error" else None)
    return page


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_leader_decides_an_extension_and_a_completion_from_the_queue(
        browser: Browser, live: Live, viewport: dict[str, int]) -> None:
    waiting_for_a_leader(live.app)
    page = open_page(browser, live, viewport)
    sign_in(page, live, "leader")
    assert page.inner_text(".nav-queue .nav-count") == "3"
    page.click(".nav-queue")
    page.wait_for_selector("#queue")
    shot(page, f"queue-{viewport['width']}")
    page.click(f"#q-requests-{iid('mine')} button[name=grant][value=true]")
    page.wait_for_selector(f"#q-requests-{iid('mine')}", state="detached")
    page.click(f"#q-decisions-{iid('theirs')} form[action$='/accept'] button")
    page.wait_for_selector(f"#q-decisions-{iid('theirs')}", state="detached")
    assert page.inner_text("#queue .flash-success")
    assert page.inner_text(".nav-queue .nav-count") == "1"  # swapped out of band
    cards = {c["key"]: c for c in services_of(live.app).queries.board(PLAN_KEY)}
    assert cards["theirs"]["status"] == "done" and not cards["mine"]["extension_pending"]
    assert [m for m in live.console if "Content Security Policy" in m] == []


def test_on_a_phone_the_board_shows_one_column_and_a_card_moves_with_its_menu(
        browser: Browser, live: Live) -> None:
    page = open_page(browser, live, PHONE, "en-US")
    sign_in(page, live, "member")
    board(page, live)
    assert page.is_visible(".column-todo") and not page.is_visible(".column-doing")
    assert page.inner_text(".column-tab[data-tab=todo] .count") == "3"
    card = iid("mine")
    page.select_option(f"#move-{card}", "doing")
    with page.expect_response(lambda r: r.url.endswith(f"/items/{card}/move")):
        page.click(f"#card-{card} .move-form button")
    page.wait_for_selector(".flash-success")
    assert page.is_visible(".column-todo")  # the chosen tab stays after the move
    page.click(".column-tab[data-tab=doing]")
    page.wait_for_selector(f".column-doing #card-{card}", state="visible")
    assert page.inner_text(".column-tab[data-tab=doing] .count") == "1"
    shot(page, "board-phone")
    assert services_of(live.app).queries.get_card(card)["status"] == "doing"
    assert page.evaluate("document.scrollingElement.scrollWidth <= "
                         "document.scrollingElement.clientWidth")


@pytest.fixture(scope="module")
def demo_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The demo as `make run` serves it, on a free local port."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's Chromium is not installed")
    tmp = Path(tmp_path_factory.mktemp("demo"))
    app = make_web_app(f"sqlite:///{tmp / 'tracker.db'}", tmp / "instance")
    svc = services_of(app)
    svc.accounts.hasher = FAST_HASHER
    load_demo(svc.tracker)
    svc.read_models.catch_up()
    for login, role, person, password in DEMO_ACCOUNTS:
        svc.accounts.add(login, role, person=person, password=password, check_policy=False)
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


def demo_urls(server: Live, login: str, password: str) -> list[str]:
    """Every page of the demo the account reaches (found by the test client's crawl)."""
    client = server.app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    html = client.get("/login").get_data(as_text=True)
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"username": login, "password": password, "csrf_token": token})
    return [p.url for p in crawl(client, ["/", "/queue", "/inbox", "/my-work", "/reports/leaders",
                                          "/audit", "/no/such/page"])
            if not p.url.endswith("(fragment)")]


@pytest.mark.parametrize("login", ["leader", "admin"])
def test_every_page_of_the_demo_fits_a_phone_without_scrolling_sideways(
        browser: Browser, demo_live: Live, login: str) -> None:
    password = next(p for name, _r, _p, p in DEMO_ACCOUNTS if name == login)
    urls = demo_urls(demo_live, login, password)
    assert len(urls) > 20
    page = open_page(browser, demo_live, PHONE)
    page.goto(f"{demo_live.url}/login")
    page.fill("#username", login)
    page.fill("#password", password)
    page.click("form.auth-form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    too_wide = []
    for url in urls:
        page.goto(f"{demo_live.url}{url}")
        sizes = page.evaluate("[document.scrollingElement.scrollWidth, "
                              "document.scrollingElement.clientWidth]")
        if sizes[0] > sizes[1]:
            too_wide.append(f"{url}: {sizes[0]} > {sizes[1]}")
            shot(page, "too-wide-" + url.strip("/").replace("/", "_").replace("?", "_")[:60])
    assert not too_wide, "\n".join(too_wide)
