"""Every API list pages: limit (default 100, at most 1000) and an offset or cursor in; the
total and the next page (a field and a Link header) out; nothing is dropped silently."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import PLAN_KEY, api_token, bearer, make_web_app, services_of

from tracker.auditchain import verify_chain
from tracker.importer import import_plan
from tracker.permissions import SYSTEM
from tracker.planfile import parse_plan_file

BIG = 1041


def big_plan(n: int) -> str:
    lines = ["plan: {key: big, title: 大方案, starts: 2012-01-01, ends: 2012-12-31}",
             "units: [{key: u1, name: 第一支部}]", "people: [{key: p1, name: 负责人}]", "items:"]
    lines += [f"  - {{key: i{k:04d}, title: 事项{k:04d}, owner: p1, lead_unit: u1, "
              f"due: 2012-{1 + k % 12:02d}-15}}" for k in range(n)]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def big_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """A store (SQLite) with a 1,041-item plan and an admin account."""
    tmp: Path = tmp_path_factory.mktemp("paging")
    app = make_web_app(f"sqlite:///{tmp / 'db.sqlite'}", tmp / "instance",
                       WEBHOOKS_ENABLED=False)
    svc = services_of(app)
    result = import_plan(svc.tracker, parse_plan_file(big_plan(BIG).encode()), SYSTEM)
    svc.sync(result.notification_id)
    svc.accounts.add("admin", "admin", password="admin-password-long")
    yield app
    svc.close()


def link_next(response: Any) -> str | None:
    found = re.fullmatch(r'<([^>]+)>; rel="next"', response.headers.get("Link", ""))
    return found.group(1) if found else None


def walk(client: FlaskClient, url: str, headers: dict[str, str], key: str) -> list[Any]:
    """Follow next from page to page; every page's Link header says the same as its field."""
    rows: list[Any] = []
    while url:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        rows += body[key]
        assert link_next(response) == body["next"]
        url = body["next"]
    return rows


def test_a_1041_item_plan_says_there_is_more_and_pages_to_every_item(big_app: Flask) -> None:
    client, headers = big_app.test_client(), bearer(api_token(big_app, "admin"))

    first = client.get("/api/items?plan=big", headers=headers)

    body = first.get_json()
    assert len(body["items"]) == 100 and body["total"] == BIG
    assert body["limit"] == 100 and body["offset"] == 0
    assert body["next"] and "offset=100" in body["next"] and "plan=big" in body["next"]
    assert link_next(first) == body["next"]
    biggest = client.get("/api/items?plan=big&limit=1000", headers=headers).get_json()
    assert len(biggest["items"]) == 1000 and biggest["total"] == BIG and biggest["next"]
    every = walk(client, "/api/items?plan=big&limit=1000", headers, "items")
    assert len(every) == BIG and len({i["id"] for i in every}) == BIG
    assert sorted(i["key"] for i in every) == [f"i{k:04d}" for k in range(BIG)]


def test_the_last_page_has_no_next(big_app: Flask) -> None:
    client, headers = big_app.test_client(), bearer(api_token(big_app, "admin"))

    last = client.get("/api/items?plan=big&offset=1000&limit=100", headers=headers)

    body = last.get_json()
    assert len(body["items"]) == 41 and body["total"] == BIG and body["next"] is None
    assert "Link" not in last.headers


def test_filters_in_python_page_and_count_the_same(big_app: Flask) -> None:
    client, headers = big_app.test_client(), bearer(api_token(big_app, "admin"))
    every = walk(client, "/api/items?plan=big&unit=u1&limit=300", headers, "items")
    assert len(every) == BIG
    body = client.get("/api/items?plan=big&unit=u1&limit=7", headers=headers).get_json()
    assert body["total"] == BIG and len(body["items"]) == 7


def test_the_audit_pages_by_cursor_and_the_pages_make_one_chain(big_app: Flask) -> None:
    client, headers = big_app.test_client(), bearer(api_token(big_app, "admin"))
    total = services_of(big_app).queries.chain_head()["count"]

    first = client.get("/api/audit?limit=1000", headers=headers)

    assert first.headers["X-Total-Count"] == str(total)
    nxt = link_next(first)
    assert nxt is not None and "after=" in nxt
    lines = first.get_data(as_text=True).splitlines()
    assert verify_chain(lines).ok and len(lines) == 1001
    records = [json.loads(line) for line in lines[:-1]]
    url: str | None = nxt
    while url:
        page = client.get(url, headers=headers)
        lines = page.get_data(as_text=True).splitlines()
        assert verify_chain(lines).ok
        page_records = [json.loads(line) for line in lines[:-1]]
        assert page_records[0]["prev_hash"] == records[-1]["hash"]  # the chain goes on
        records += page_records
        url = link_next(page)
    assert len(records) == total
    assert records[-1]["hash"] == services_of(big_app).queries.chain_head()["chain_head"]


def test_the_audit_as_a_json_list_and_a_filtered_chain_across_pages(big_app: Flask) -> None:
    client, headers = big_app.test_client(), bearer(api_token(big_app, "admin"))
    whole = client.get("/api/audit?plan=big&limit=1000&format=jsonl", headers=headers)
    plan_records = [json.loads(line) for line in whole.get_data(as_text=True).splitlines()[:-1]]

    body = client.get("/api/audit?plan=big&format=json&limit=400", headers=headers).get_json()

    assert body["total"] > 400 and len(body["records"]) == 400 and body["after"] == 0
    records = walk(client, "/api/audit?plan=big&format=json&limit=400", headers, "records")
    assert len(records) == body["total"]
    assert records[:1000] == plan_records  # the same chain, a page at a time
    cursor = client.get(f"/api/audit?plan=big&format=json&limit=1&after={records[399]['seq']}",
                        headers=headers).get_json()  # no prev_hash given: recomputed
    assert cursor["records"][0] == records[400]


def test_plans_page_with_total_and_next(seeded_app: Flask) -> None:
    client, headers = seeded_app.test_client(), bearer(api_token(seeded_app, "viewer"))

    response = client.get("/api/plans?limit=1", headers=headers)

    body = response.get_json()
    assert [p["key"] for p in body["plans"]] == [PLAN_KEY]
    assert body["total"] == 1 and body["next"] is None and "Link" not in response.headers


def test_an_items_history_pages(seeded_app: Flask) -> None:
    client, headers = seeded_app.test_client(), bearer(api_token(seeded_app, "admin"))
    item = services_of(seeded_app).queries.board(PLAN_KEY)[0]["id"]
    for n in range(3):
        assert client.post(f"/api/items/{item}/comment", json={"text": f"第{n}条"},
                           headers=headers).status_code == 200

    first = client.get(f"/api/items/{item}/history?limit=2", headers=headers).get_json()

    assert first["id"] == item and len(first["events"]) == 2 and first["total"] >= 4
    every = walk(client, f"/api/items/{item}/history?limit=2", headers, "events")
    assert len(every) == first["total"]
    assert [e["seq"] for e in every] == sorted(e["seq"] for e in every)


BAD_PAGING = [(url, query, field) for url in ("/api/items", "/api/plans", "/api/webhooks")
              for query, field in (("limit=0", "limit"), ("limit=1001", "limit"),
                                   ("limit=ten", "limit"), ("offset=-3", "offset"))] + [
    ("/api/audit", "limit=0", "limit"), ("/api/audit", "limit=5000", "limit"),
    ("/api/audit", "after=x", "after"), ("/api/audit", "prev_hash=abc", "prev_hash")]


def test_bad_paging_values_are_400_naming_the_field(seeded_app: Flask) -> None:
    client, headers = seeded_app.test_client(), bearer(api_token(seeded_app, "admin"))
    for url, query, field in BAD_PAGING:
        response = client.get(f"{url}?{query}", headers=headers)
        assert response.status_code == 400, (url, query)
        assert response.get_json()["field"] == field, (url, query)
