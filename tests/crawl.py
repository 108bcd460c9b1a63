"""Crawling the demo as a signed-in user: every page and htmx fragment reachable by links,
with its visible text (and the text of labels, placeholders and titles) for the language tests."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qs, urldefrag, urlsplit

from flask.testing import FlaskClient

SKIP = re.compile(r"/(logout|language)$|\.(csv|xlsx|docx|ics|jsonl|json|js|css)$|/evidence/"
                  r"|^/api/|/export|/vendor/|/static/")
ATTRS = ("title", "placeholder", "aria-label", "alt")
LIMIT = 400


class _Page(HTMLParser):
    """Visible text, attributes people read, and the links (href, hx-get) of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self.fragments: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name in ATTRS:
            if values.get(name):
                self.text.append(str(values[name]))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.text.append(str(values["value"]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if values.get("hx-get"):
            self.fragments.append(str(values["hx-get"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.text.append(data.strip())


@dataclass
class Visited:
    """One crawled address, its status and what a reader sees there."""

    url: str
    status: int
    text: str


def crawl(client: FlaskClient, starts: list[str]) -> Iterator[Visited]:
    """Breadth first from the start pages: pages by link, fragments as htmx asks for them."""
    queue: deque[tuple[str, bool]] = deque((s, False) for s in starts)
    seen: set[str] = set()
    while queue and len(seen) < LIMIT:
        url, fragment = queue.popleft()
        url = urldefrag(url)[0]
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != "localhost" or not url.startswith("/"):
            continue
        # One visit per page shape: the same path with the same arguments (other values) is
        # the same page with other data (every item page is visited: each has its own path).
        shape = parts.path + "?" + ",".join(sorted(parse_qs(parts.query, True)))
        key = f"{shape} (fragment)" if fragment else shape
        if SKIP.search(parts.path) or key in seen:
            continue
        seen.add(key)
        headers = {"HX-Request": "true"} if fragment else {}
        response = client.get(url, headers=headers)
        if response.status_code in (301, 302, 303):
            queue.append((response.headers["Location"], fragment))
            continue
        if "html" not in (response.content_type or ""):
            continue
        page = _Page()
        page.feed(response.get_data(as_text=True))
        yield Visited(url + (" (fragment)" if fragment else ""), response.status_code,
                      "\n".join(page.text))
        queue.extend((link, False) for link in page.links)
        queue.extend((link, True) for link in page.fragments)
