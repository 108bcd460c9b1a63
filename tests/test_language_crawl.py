"""The whole demo, crawled as each role in both languages: no internal key and no stray
English word in Chinese, no Chinese outside user data in English."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from crawl import Visited, crawl
from flask import Flask
from webfixtures import FAST_HASHER, make_web_app, services_of

from tracker.accounts import DEMO_ACCOUNTS
from tracker.demo import demo_plan, load_demo

ROLES = [login for login, *_ in DEMO_ACCOUNTS]
# Words a Chinese reader meets as they are: file types and the product's formats.
ALLOWED = {"pdf", "png", "jpg", "txt", "csv", "docx", "xlsx", "jsonl", "json", "sha", "api",
           "ics", "url", "id", "jpeg", "mb", "sha256", "english", "lines", "utc", "yaml"}
# What a page shows as data of its own: the account page names the login one signs in with;
# the import page names the sheet a task sheet must have (方案).
OWN_DATA = {"/account": [login for login, *_ in DEMO_ACCOUNTS], "/import": ["方案"]}
ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z_]+")
# An ASCII colon, semicolon or comma inside Chinese text (Chinese uses ：；，、).
ASCII_PUNCT = re.compile(r"[\u4e00-\u9fff”）][:;,]|[:;,] ?[\u4e00-\u9fff“（]")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
HOSTILE = ["/items/no-such-item", "/plans/no-such-plan/board", "/plans/ogy/board?as_of=bad",
           "/units/no-such-unit", "/no/such/page"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The demo as `make run` serves it (SQLite), with its four accounts."""
    tmp = Path(tmp_path_factory.mktemp("crawl"))
    app = make_web_app(f"sqlite:///{tmp / 'tracker.db'}", tmp / "instance")
    svc = services_of(app)
    svc.accounts.hasher = FAST_HASHER
    load_demo(svc.tracker)
    svc.read_models.catch_up()
    for login, role, person, password in DEMO_ACCOUNTS:
        svc.accounts.add(login, role, person=person, password=password, check_policy=False)
    yield app
    svc.close()


def own_data(url: str) -> list[str]:
    """The data a page shows as such (by the page's path)."""
    return OWN_DATA.get(url.split("?")[0].removesuffix(" (fragment)"), [])


def technical(text: str) -> str:
    """The text without what is meant to be read as code: addresses and hash values."""
    text = re.sub(r"https?://\S+", "", text)
    return re.sub(r"(?<![A-Za-z0-9])(?=[0-9a-f]*[0-9])[0-9a-f]{7,}(?![A-Za-z0-9])", "", text)


def internal_keys() -> set[str]:
    """Every key of the demo plan: plan, goals, phases, units, people and items."""
    pf = demo_plan(date(2012, 7, 15))
    keys = {pf.plan.key, "user:admin", "user:system", "user:leader"}
    keys |= {g.key for g in pf.plan.goals} | {p.key for p in pf.plan.phases}
    keys |= {u.key for u in pf.units} | {p.key for p in pf.people}
    keys |= {i.key.split("#")[0] for i in pf.items}
    return keys


def user_strings(app: Flask) -> list[str]:
    """Everything users typed or imported (names, titles, notes), longest first."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str) and CJK.search(value):
            found.add(value)
            found.update(part for part in re.split(r"[\s,，、。；;:：（）()]+", value) if part)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    for row in services_of(app).queries.iter_audit():
        walk(row)
    return sorted(found, key=len, reverse=True)


def pages(app: Flask, login: str, password: str, lang: str) -> list[Visited]:
    """Every page and fragment the role reaches, in the language asked for."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True))
    assert token
    signed = client.post("/login", data={"username": login, "password": password,
                                         "csrf_token": token.group(1)})
    assert signed.status_code == 302
    return list(crawl(client, ["/", "/queue", "/inbox", "/my-work", "/reports/leaders", "/audit",
                               *HOSTILE]))


def _password(login: str) -> str:
    return next(p for name, _r, _p, p in DEMO_ACCOUNTS if name == login)


@pytest.mark.parametrize("login", ROLES)
def test_chinese_pages_show_no_internal_key_and_no_stray_english(demo: Flask, login: str) -> None:
    keys = internal_keys()
    problems = []
    visited = pages(demo, login, _password(login), "zh-CN")
    assert len(visited) > 10
    for page in visited:
        words = set(ASCII_WORD.findall(technical(page.text))) - set(own_data(page.url))
        leaked = sorted(w for w in words if w in keys or w.lower() not in ALLOWED)
        leaked += sorted(k for k in keys if ":" in k and k in page.text)
        leaked += sorted(set(ASCII_PUNCT.findall(page.text)))
        if leaked:
            problems.append(f"{page.url} [{page.status}]: {leaked[:12]}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("login", ROLES)
def test_english_pages_show_no_chinese_outside_user_data(demo: Flask, login: str) -> None:
    data = user_strings(demo) + ["中文"]  # the language switch names Chinese in Chinese
    problems = []
    for page in pages(demo, login, _password(login), "en"):
        text = page.text
        for value in [*data, *own_data(page.url)]:
            text = text.replace(value, "")
        left = sorted(set(CJK.findall(text)))
        if left:
            problems.append(f"{page.url} [{page.status}]: {''.join(left)[:40]}")
    assert not problems, "\n".join(problems)
