"""Hostile inputs that once answered 500 or leaked: each now gets a 4xx or a safe answer."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import PLAN_KEY, api_token, bearer, csrf_token, login, services_of


def test_an_audit_page_position_of_thirty_digits_is_a_400(client: FlaskClient) -> None:
    login(client, "admin")
    for after in ("9" * 30, "-1", "1e3", "１２"):
        response = client.get(f"/audit?after={after}")
        assert response.status_code == 400, after
    assert client.get("/audit?after=" + "9" * 18).status_code == 200


def test_the_audit_page_position_is_refused_in_chinese_without_english(
        seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    login(client, "admin")
    html = client.get("/audit?after=" + "9" * 30).get_data(as_text=True)
    assert "分页位置" in html and "after must" not in html


def item_of(app: Flask, key: str) -> str:
    return next(c["id"] for c in services_of(app).queries.board(PLAN_KEY) if c["key"] == key)


def upload(client: FlaskClient, app: Flask, item: str, who: str, data: bytes) -> str:
    response = client.post(f"/api/items/{item}/evidence", headers=bearer(api_token(app, who)),
                           data={"file": (io.BytesIO(data), "proof.txt")},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["sha256"])


def test_a_member_cannot_cite_a_file_attached_to_someone_elses_item(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    secret = upload(client, seeded_app, item_of(seeded_app, "theirs"), "other", b"their file")
    mine = item_of(seeded_app, "mine")
    member = bearer(api_token(seeded_app, "member"))
    assert client.post(f"/api/items/{mine}/start", json={}, headers=member).status_code == 200
    for link in (f"sha256:{secret} proof.txt", f"sha256:{secret} renamed.txt",
                 f"sha256:{secret} x\r.pdf", f"sha256:{secret} x\r\nSet-Cookie: a=b"):
        response = client.post(f"/api/items/{mine}/submit", headers=member,
                               json={"outcome": "完成", "evidence": [link]})
        assert response.status_code == 422, link
    own = upload(client, seeded_app, mine, "member", b"my own file")
    ok = client.post(f"/api/items/{mine}/submit", headers=member,
                     json={"outcome": "完成", "evidence": [f"sha256:{own} proof.txt", "纪要"]})
    assert ok.status_code == 200
    login(client, "member")
    assert client.get(f"/items/{mine}/evidence/{secret}").status_code == 404
    download = client.get(f"/items/{mine}/evidence/{own}")
    assert download.status_code == 200 and download.data == b"my own file"
    download.close()


def test_changing_units_without_supporting_units_is_not_a_500(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    admin = bearer(api_token(seeded_app, "admin"))
    item = item_of(seeded_app, "mine")
    response = client.post(f"/api/items/{item}/units", json={"lead_unit": "u2"}, headers=admin)
    assert response.status_code == 200
    assert services_of(seeded_app).queries.get_card(item)["units"] == []


def test_api_bodies_naming_actor_item_or_command_are_refused(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    admin = bearer(api_token(seeded_app, "admin"))
    item = item_of(seeded_app, "mine")
    for key in ("actor", "item", "command", "self", "rule"):
        response = client.post(f"/api/items/{item}/comment", json={"text": "x", key: "y"},
                               headers=admin)
        assert response.status_code == 422, key
        assert response.get_json()["field"] == key


def test_a_search_text_of_100k_characters_is_refused_not_busy(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    admin = bearer(api_token(seeded_app, "admin"))
    assert client.get("/api/items?q=" + "a" * 100_000, headers=admin).status_code == 422
    assert client.get("/api/items?q=" + "a" * 200, headers=admin).status_code == 200
    login(client, "admin")
    assert client.get(f"/plans/{PLAN_KEY}/board?q=" + "a" * 100_000).status_code == 200


def test_a_board_offset_of_thirty_digits_is_a_400(client: FlaskClient) -> None:
    login(client, "admin")
    for offset in ("9" * 30, "9" * 10, "-1", "٣"):
        assert client.get(f"/plans/{PLAN_KEY}/board/todo?offset={offset}").status_code == 400
    assert client.get(f"/plans/{PLAN_KEY}/board/todo?offset=0").status_code == 200


def test_the_language_switch_never_redirects_off_site(client: FlaskClient) -> None:
    login(client, "member")
    token = csrf_token(client, "/password")
    for target in ("/\t/evil.example", "//evil.example", "/\\evil.example", "/\n/evil.example",
                   "https://evil.example", "javascript:alert(1)"):
        response = client.post("/language", data={"lang": "en", "next": target,
                                                  "csrf_token": token})
        assert response.status_code == 302 and response.headers["Location"] == "/", target
    kept = client.post("/language", data={"lang": "en", "next": "/password", "csrf_token": token})
    assert kept.headers["Location"] == "/password"
