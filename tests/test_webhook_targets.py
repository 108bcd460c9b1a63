"""Webhook targets: loopback, private, link-local, multicast and reserved addresses are refused
at registration and again at delivery unless an operator allows the network; credentials are
never shown; unknown event types are refused; the signature is the documented one."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from test_webhooks import FAST, Receiver, command, register, wait_for
from webfixtures import api_token, bearer, make_web_app, seed, services_of

REFUSED = ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://[::1]:6379/",
           "http://2130706433/", "http://0x7f.1/", "http://0.0.0.0/", "http://224.0.0.1/",
           "http://[::ffff:127.0.0.1]/", "http://100.64.0.1/", "http://192.168.1.1/",
           "http://localhost:8080/", "http://127.0.0.1:5000/", "https://[fe80::1]/",
           "http://240.0.0.1/", "http://[fc00::1]/"]


def app_with(database_url: str, folder: Path, monkeypatch: pytest.MonkeyPatch,
             allow: str | None) -> Flask:
    if allow is None:
        monkeypatch.delenv("TRACKER_WEBHOOK_ALLOW", raising=False)
    else:
        monkeypatch.setenv("TRACKER_WEBHOOK_ALLOW", allow)
    app = make_web_app(database_url, folder, **FAST)
    seed(app)
    return app


@pytest.fixture
def strict(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
           ) -> Iterator[Flask]:
    app = app_with(database_url, tmp_path / "strict", monkeypatch, None)
    yield app
    services_of(app).close()


@pytest.fixture
def loopback(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
             ) -> Iterator[Flask]:
    app = app_with(database_url, tmp_path / "loopback", monkeypatch, "127.0.0.1/32")
    yield app
    services_of(app).close()


def post_hook(app: Flask, url: str, types: list[str] | None = None) -> Any:
    return app.test_client().post("/api/webhooks", json={"url": url,
                                                         "event_types": types or ["*"]},
                                  headers=bearer(api_token(app, "admin")))


@pytest.mark.parametrize("url", REFUSED)
def test_internal_targets_are_refused_at_registration(strict: Flask, url: str) -> None:
    response = post_hook(strict, url)
    assert response.status_code == 422, url
    assert "TRACKER_WEBHOOK_ALLOW" in response.get_json()["message"]
    assert services_of(strict).webhooks.hooks() == []


def test_an_unresolvable_host_is_refused(strict: Flask) -> None:
    response = post_hook(strict, "http://no-such-host.invalid/hook")
    assert response.status_code == 422 and "resolved" in response.get_json()["message"]


def test_a_public_address_is_accepted_and_its_credentials_are_never_shown(strict: Flask) -> None:
    response = post_hook(strict, "https://hook-user:s3cr3t@93.184.216.34:8443/in?x=1")
    assert response.status_code == 201
    assert "s3cr3t" not in response.get_data(as_text=True)
    assert response.get_json()["url"] == "https://***@93.184.216.34:8443/in?x=1"
    listed = strict.test_client().get("/api/webhooks", headers=bearer(api_token(strict, "admin")))
    assert "s3cr3t" not in listed.get_data(as_text=True) and "hook-user" not in listed.get_data(
        as_text=True)


def test_an_allowed_network_admits_loopback_only(loopback: Flask) -> None:
    assert post_hook(loopback, "http://127.0.0.1:9/hook").status_code == 201
    assert post_hook(loopback, "http://10.0.0.1/").status_code == 422
    assert post_hook(loopback, "http://169.254.169.254/").status_code == 422


@pytest.mark.parametrize("types", [["Bogus"], ["WorkItem.Bogus"], ["Started", "Nope"],
                                   ["WorkItem.Event"]])
def test_unknown_event_types_are_refused(loopback: Flask, types: list[str]) -> None:
    response = post_hook(loopback, "http://127.0.0.1:9/hook", types)
    assert response.status_code == 422
    assert types[-1] in response.get_json()["message"]


def test_known_event_types_of_every_aggregate_are_accepted(loopback: Flask) -> None:
    types = ["Started", "WorkItem.Accepted", "Plan.Created", "Unit.Assessed", "Account.SignedIn"]
    assert post_hook(loopback, "http://127.0.0.1:9/hook", types).status_code == 201


def test_a_target_no_longer_allowed_is_refused_at_delivery(loopback: Flask) -> None:
    receiver = Receiver()
    try:
        hook = register(loopback, receiver.url, ["Started"])
        services_of(loopback).webhooks.allow = ()  # the operator withdrew the permission
        command(loopback, "member", "start")
        svc = services_of(loopback)
        (failed,) = wait_for(lambda: [d for d in svc.webhooks.deliveries(hook["id"])
                                      if d["status"] == "failed"])
        assert failed["attempts"] == 1 and "TRACKER_WEBHOOK_ALLOW" in failed["last_error"]
        assert receiver.requests == []
    finally:
        receiver.stop()


def test_a_receiver_can_check_the_signature_as_documented(loopback: Flask) -> None:
    receiver = Receiver()
    try:
        hook = register(loopback, receiver.url, ["Started"])
        command(loopback, "member", "start")
        wait_for(lambda: receiver.requests)
        headers, body = receiver.requests[0]
        # docs/webhooks.md: HMAC-SHA256 keyed with the secret's UTF-8 bytes over
        # "<X-Tracker-Timestamp>.<body>", hex, after "sha256=".
        stamp = headers["X-Tracker-Timestamp"]
        expected = hmac.new(hook["secret"].encode("utf-8"), stamp.encode() + b"." + body,
                            hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["X-Tracker-Signature"], "sha256=" + expected)
        assert abs(time.time() - int(stamp)) <= 300
        assert json.loads(body)["event_type"] == "Started"
        assert headers["X-Tracker-Delivery"] and headers["X-Tracker-Event"] == "WorkItem.Started"
    finally:
        receiver.stop()
