"""Webhooks: registered by an administrator, delivered signed by a background worker to a
receiver the test runs on loopback, retried with back-off, logged; commands never wait."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from webfixtures import ACCOUNTS, PLAN_KEY, api_token, bearer, make_web_app, seed, services_of

from tracker.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, matches, sign

FAST = {"WEBHOOK_POLL_SECONDS": 0.02, "WEBHOOK_BACKOFF_SECONDS": 0.05,
        "WEBHOOK_MAX_BACKOFF_SECONDS": 0.2, "WEBHOOK_TIMEOUT_SECONDS": 2}


class Receiver:
    """An HTTP server on loopback that records every POST; it can be stopped and restarted on
    the same port, and told which status to answer."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.status = 200
        self.port = 0
        self._server: ThreadingHTTPServer | None = None
        self.start()

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((dict(self.headers.items()), body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"


def wait_for(condition: Callable[[], Any], timeout: float = 15.0) -> Any:
    """Poll until the condition holds (the worker runs on its own thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


@pytest.fixture(autouse=True)
def allow_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests' receiver listens on loopback, which an operator must allow explicitly."""
    monkeypatch.setenv("TRACKER_WEBHOOK_ALLOW", "127.0.0.1/32")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.stop()


def hook_app(database_url: str, tmp_path: Path, **config: Any) -> Flask:
    app = make_web_app(database_url, tmp_path / "instance", **{**FAST, **config})
    seed(app)
    return app


@pytest.fixture
def hooked(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The seeded web app with a fast-polling webhook worker."""
    application = hook_app(database_url, tmp_path)
    yield application
    services_of(application).close()


def register(app: Flask, url: str, types: list[str]) -> dict[str, Any]:
    response = app.test_client().post("/api/webhooks", json={"url": url, "event_types": types},
                                      headers=bearer(api_token(app, "admin")))
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def command(app: Flask, login: str, name: str, item_key: str = "mine", **values: Any) -> None:
    item_id = next(c["id"] for c in services_of(app).queries.board(PLAN_KEY)
                   if c["key"] == item_key)
    response = app.test_client().post(f"/api/items/{item_id}/{name}", json=values,
                                      headers=bearer(api_token(app, login)))
    assert response.status_code == 200, response.get_json()


def log_of(app: Flask, hook: dict[str, Any]) -> list[dict[str, Any]]:
    response = app.test_client().get(f"/api/webhooks/{hook['id']}/deliveries",
                                     headers=bearer(api_token(app, "admin")))
    assert response.status_code == 200
    return response.get_json()["deliveries"]  # type: ignore[no-any-return]


def test_wanted_events_are_posted_signed_and_logged(hooked: Flask, receiver: Receiver) -> None:
    hook = register(hooked, receiver.url, ["WorkItem.Started", "Commented"])
    command(hooked, "member", "start")
    command(hooked, "member", "report", note="进展")  # not wanted
    command(hooked, "member", "comment", text="备注")
    wait_for(lambda: len(receiver.requests) >= 2)
    time.sleep(0.1)
    assert len(receiver.requests) == 2
    events = []
    for headers, body in receiver.requests:
        stamp = int(headers[TIMESTAMP_HEADER])
        assert abs(time.time() - stamp) < 60
        assert headers[SIGNATURE_HEADER] == sign(hook["secret"], stamp, body)
        payload = json.loads(body)
        assert payload["actor"] == ACCOUNTS["member"][1]
        assert headers["X-Tracker-Event"] == f"WorkItem.{payload['event_type']}"
        events.append(payload["event_type"])
    assert sorted(events) == ["Commented", "Started"]
    log = wait_for(lambda: [d for d in log_of(hooked, hook) if d["status"] == "delivered"]
                   if len(log_of(hooked, hook)) == 2 else None)
    assert [(d["attempts"], d["last_status"]) for d in log] == [(1, 200), (1, 200)]


def test_events_from_before_registration_are_not_sent(hooked: Flask, receiver: Receiver) -> None:
    command(hooked, "member", "start")
    hook = register(hooked, receiver.url, ["*"])
    command(hooked, "member", "comment", text="之后")
    wait_for(lambda: receiver.requests)
    time.sleep(0.1)
    assert [json.loads(b)["event_type"] for _, b in receiver.requests] == ["Commented"]
    assert len(log_of(hooked, hook)) == 1


def test_receiver_down_then_back_gets_the_event_after_retries(
        hooked: Flask, receiver: Receiver) -> None:
    receiver.stop()
    hook = register(hooked, receiver.url, ["Started"])
    command(hooked, "member", "start")
    wait_for(lambda: any(d["attempts"] >= 2 for d in log_of(hooked, hook)))
    assert log_of(hooked, hook)[0]["status"] == "pending" and not receiver.requests
    receiver.start()
    (delivered,) = wait_for(lambda: [d for d in log_of(hooked, hook) if d["status"] == "delivered"])
    assert delivered["attempts"] >= 3 and delivered["last_status"] == 200
    assert len(receiver.requests) == 1


def test_error_answers_are_retried_then_given_up(database_url: str, tmp_path: Path,
                                                 receiver: Receiver) -> None:
    app = hook_app(database_url, tmp_path, WEBHOOK_MAX_ATTEMPTS=3)
    try:
        receiver.status = 500
        hook = register(app, receiver.url, ["Started"])
        command(app, "member", "start")
        (failed,) = wait_for(lambda: [d for d in log_of(app, hook) if d["status"] == "failed"])
        assert (failed["attempts"], failed["last_status"]) == (3, 500)
        assert len(receiver.requests) == 3
    finally:
        services_of(app).close()


def test_a_broken_worker_never_fails_a_command(hooked: Flask, receiver: Receiver,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    register(hooked, receiver.url, ["*"])
    worker = services_of(hooked).webhook_worker

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("the delivery table is gone")

    monkeypatch.setattr(worker, "run_once", broken)
    command(hooked, "member", "start")
    command(hooked, "member", "comment", text="照常")
    assert worker._thread is not None and worker._thread.is_alive()


def test_removed_hook_gets_nothing_more(hooked: Flask, receiver: Receiver) -> None:
    hook = register(hooked, receiver.url, ["*"])
    response = hooked.test_client().delete(f"/api/webhooks/{hook['id']}",
                                        headers=bearer(api_token(hooked, "admin")))
    assert response.status_code == 200 and response.get_json()["active"] is False
    command(hooked, "member", "start")
    time.sleep(0.2)
    assert not receiver.requests
    admin = bearer(api_token(hooked, "admin"))
    client = hooked.test_client()
    assert client.get(f"/api/webhooks/{hook['id']}/deliveries", headers=admin).status_code == 404
    assert client.delete(f"/api/webhooks/{hook['id']}", headers=admin).status_code == 404
    assert client.get("/api/webhooks", headers=admin).get_json()["webhooks"] == []


def test_only_administrators_manage_webhooks_and_bad_input_is_refused(hooked: Flask) -> None:
    client = hooked.test_client()
    good = {"url": "http://127.0.0.1:9/hook", "event_types": ["*"]}
    for login in ("leader", "member", "viewer"):
        headers = bearer(api_token(hooked, login))
        assert client.post("/api/webhooks", json=good, headers=headers).status_code == 403
        assert client.get("/api/webhooks", headers=headers).status_code == 403
    admin = bearer(api_token(hooked, "admin"))
    for bad in ({"url": "ftp://x/y", "event_types": ["*"]}, {"url": "http://", "event_types": []},
                {"url": "http://x", "event_types": ["no spaces allowed"]}, {"event_types": ["*"]}):
        assert client.post("/api/webhooks", json=bad, headers=admin).status_code == 422, bad
    assert client.get("/api/webhooks", headers=admin).get_json()["webhooks"] == []
    assert client.get("/api/webhooks/99/deliveries", headers=admin).status_code == 404


def test_signature_and_matching_rules() -> None:
    assert sign("k", 1, b"{}") == sign("k", 1, b"{}") != sign("k2", 1, b"{}")
    assert sign("k", 1, b"{}") != sign("k", 2, b"{}")
    assert sign("k", 1, b"{}").startswith("sha256=") and len(sign("k", 1, b"{}")) == 71
    assert matches(["*"], "WorkItem", "Started")
    assert matches(["Started"], "WorkItem", "Started")
    assert matches(["WorkItem.Started"], "WorkItem", "Started")
    assert not matches(["Plan.Started", "Accepted"], "WorkItem", "Started")
