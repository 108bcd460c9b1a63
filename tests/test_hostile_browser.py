"""Chromium renders the board, item and audit pages holding hostile text and runs none of it:
no dialog opens, ``window.__pwned`` stays unset, no injected element or handler is in the DOM."""

from __future__ import annotations

from datetime import date

import pytest
from boardfixtures import iid
from hostile_payloads import FORMULAS, SCRIPTY, UNICODE
from playwright.sync_api import Browser, Dialog, Page
from test_browser_board import Live, new_page, sign_in
from test_browser_board import browser as browser  # noqa: F401  (fixture)
from test_browser_board import live as live  # noqa: F401  (fixture)
from webfixtures import PLAN_KEY, services_of

from tracker.permissions import SYSTEM

pytestmark = pytest.mark.browser
ALERTS = [p.replace("window.__pwned=1", "alert(1)") for p in SCRIPTY if "__pwned" in p]
INJECTED = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      // a javascript: address where the browser would follow or load it (a title is text)
      const js = /^(href|src|action|formaction|xlink:href|poster|data|hx-get|hx-post)$/i
        .test(a.name)
        && /^javascript:/i.test(a.value.trim());
      if (/^on|^hx-on/i.test(a.name) || js) bad.push(el.outerHTML);
    }
    if (['IFRAME', 'OBJECT', 'EMBED', 'SVG', 'BASE', 'META'].includes(el.tagName.toUpperCase())
        && el.closest('body')) bad.push(el.tagName);
  }
  const inline = [...document.scripts].filter(s => !s.src).map(s => s.textContent);
  return {bad, inline, pwned: window.__pwned === undefined ? null : String(window.__pwned)};
}"""


def _load_hostile_data(live: Live) -> None:
    """Items with hostile titles and deliverables, and hostile comments on a seeded item."""
    svc = services_of(live.app)
    texts = SCRIPTY + ALERTS + FORMULAS + UNICODE[:12]
    for n, text in enumerate(texts[:60]):
        svc.create_item(SYSTEM, PLAN_KEY, key=f"hostile-{n}", title=f"{n} {text}",
                        owner="owner", lead_unit="u1", due=date(2012, 6, 30),
                        deliverable=text, description=text)
    for text in texts:
        svc.run(iid("mine"), "comment", SYSTEM, text=text)


def _visit(page: Page, url: str, dialogs: list[str]) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(200)  # any load/toggle handler would have fired by now
    found = page.evaluate(INJECTED)
    assert found["pwned"] is None, url
    assert found["bad"] == [], (url, found["bad"][:3])
    assert found["inline"] == [], url
    assert dialogs == [], (url, dialogs)


def test_hostile_text_renders_inert_on_board_item_and_audit_pages(
        browser: Browser, live: Live) -> None:  # noqa: F811
    _load_hostile_data(live)
    context, page = new_page(browser, live)
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    sign_in(page, live, "admin")
    uids = [str(u) for u in services_of(live.app).tracker.list_item_ids()]
    urls = [f"{live.url}/plans/{PLAN_KEY}/board", f"{live.url}/items/{iid('mine')}",
            f"{live.url}/audit"] + [f"{live.url}/items/{u}" for u in uids[-6:]]
    for url in urls:
        _visit(page, url, dialogs)
    page.goto(f"{live.url}/items/{iid('mine')}")
    assert SCRIPTY[0] in page.inner_text("body")
    page.goto(f"{live.url}/plans/{PLAN_KEY}/board")
    assert page.evaluate("() => document.body.innerText").count("<script>") >= 3
    context.close()
