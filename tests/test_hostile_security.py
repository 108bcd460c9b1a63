"""Hostile inputs that once answered 500 or leaked: each now gets a 4xx or a safe answer."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import login


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
