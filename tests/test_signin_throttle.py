"""Sign-in hardening: the password policy, back-off per account and client kept in the
database (shared by processes), throttled password checks, and sign-in events in the audit."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import csrf_token, login, make_web_app, password_of, services_of

from tracker.accounts import Accounts, check_new_password
from tracker.errors import ValidationError

START = datetime(2026, 3, 1, 8, 0, 0)


class Clock:
    """A settable naive-UTC clock for the throttle."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def from_address(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


@pytest.mark.parametrize("password", ["12345678", "password", " " * 8, "password1234",
                                      "qwertyuiop12", " " * 12, "tracker12345"])
def test_common_short_or_blank_passwords_are_refused_as_new_passwords(password: str) -> None:
    with pytest.raises(ValidationError):
        check_new_password(password, ["member"])


def test_a_long_uncommon_passphrase_is_accepted() -> None:
    assert check_new_password("amber violin kettle") == "amber violin kettle"
    assert check_new_password("琥珀色的小提琴和水壶放在一起") == "琥珀色的小提琴和水壶放在一起"


def test_new_accounts_and_password_changes_follow_the_policy(seeded_app: Flask) -> None:
    accounts: Accounts = services_of(seeded_app).accounts
    for weak in ("12345678", "password"):
        with pytest.raises(ValidationError):
            accounts.add("newbie", "viewer", password=weak)
        with pytest.raises(ValidationError):
            accounts.set_password("member", None, weak)
    assert accounts.authenticate("member", password_of("member")) is not None


def test_password_page_refuses_a_common_new_password_with_a_message(client: FlaskClient) -> None:
    login(client, "member")
    response = client.post("/password", data={
        "current": password_of("member"), "new": "password1234", "confirm": "password1234",
        "csrf_token": csrf_token(client, "/password")})
    assert response.status_code == 422
    assert "too common" in response.get_data(as_text=True)


def test_demo_passwords_still_sign_in(seeded_app: Flask) -> None:
    accounts = services_of(seeded_app).accounts
    accounts.add("demo", "viewer", password="viewer-demo", check_policy=False)
    assert login(seeded_app.test_client(), "demo", "viewer-demo").status_code == 302


def test_two_hundred_wrong_sign_ins_from_twenty_clients_in_a_minute_process_at_most_twenty(
        seeded_app: Flask) -> None:
    clock = Clock()
    services_of(seeded_app).accounts.throttle.clock = clock
    attackers = [from_address(seeded_app, f"203.0.113.{n + 1}") for n in range(20)]
    statuses = []
    for i in range(200):
        clock.now = START + timedelta(seconds=i * 0.3)
        statuses.append(login(attackers[i % 20], "member", f"guess-{i}").status_code)
    assert set(statuses) <= {401, 429}
    assert statuses.count(401) <= 20
    # The attack stops at 60 s; a fresh client with the right password gets in within a minute,
    # while the attackers' own clients are still held back.
    stopped = START + timedelta(seconds=60)
    user = from_address(seeded_app, "198.51.100.7")
    for second in range(0, 61, 5):
        clock.now = stopped + timedelta(seconds=second)
        if login(user, "member").status_code == 302:
            break
    else:
        pytest.fail("the right password from a fresh client was refused for a minute")
    assert login(attackers[0], "member").status_code == 429


def test_throttling_is_shared_by_processes_through_the_database(
        seeded_app: Flask, database_url: str, tmp_path: Path) -> None:
    second = make_web_app(database_url, tmp_path / "second")
    clock = Clock()  # one clock for both processes: the one-second lock cannot lapse between
    clock.now = START  # the fifth failure and the sixth try on a slow machine
    for app in (seeded_app, second):
        services_of(app).accounts.throttle.clock = clock
    try:
        for n in range(5):
            assert login(from_address(seeded_app, f"192.0.2.{n}"), "member",
                         "wrong-password").status_code == 401
        refused = login(from_address(second, "192.0.2.99"), "member", "wrong-password")
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    finally:
        services_of(second).close()


def test_parallel_wrong_sign_ins_are_decided_one_after_another(seeded_app: Flask) -> None:
    clients = [from_address(seeded_app, f"198.18.0.{n + 1}") for n in range(20)]
    tokens = [csrf_token(c) for c in clients]
    statuses: list[int] = []
    barrier = threading.Barrier(len(clients))

    def attempt(client: FlaskClient, token: str) -> None:
        barrier.wait()
        statuses.append(client.post("/login", data={
            "username": "member", "password": "wrong-password", "csrf_token": token}).status_code)

    threads = [threading.Thread(target=attempt, args=pair)
               for pair in zip(clients, tokens, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(set(statuses)) == [401, 429]
    assert statuses.count(401) <= 6  # five free failures, then one per back-off step


def test_json_sign_ins_are_throttled_per_account_not_in_one_bucket(seeded_app: Flask) -> None:
    def json_login(address: str, name: str, password: str) -> int:
        client = from_address(seeded_app, address)
        token = csrf_token(client)
        return client.post("/login", json={"username": name, "password": password},
                           headers={"X-CSRFToken": token, "Accept": "application/json"}
                           ).status_code

    statuses = [json_login(f"192.0.2.{n}", "member", "nope-nope") for n in range(6)]
    assert statuses == [401] * 5 + [429]
    assert json_login("192.0.2.50", "leader", password_of("leader")) == 302


def test_wrong_current_passwords_on_the_password_page_are_throttled(client: FlaskClient) -> None:
    login(client, "member")
    token = csrf_token(client, "/password")
    statuses = [client.post("/password", data={
        "current": f"wrong-{n}", "new": "brand-new-2012", "confirm": "brand-new-2012",
        "csrf_token": token}).status_code for n in range(7)]
    assert statuses[:5] == [403] * 5 and 429 in statuses[5:]
    right = client.post("/password", data={
        "current": password_of("member"), "new": "brand-new-2012", "confirm": "brand-new-2012",
        "csrf_token": token})
    assert right.status_code == 429 and right.headers["Retry-After"]


def test_sign_ins_failures_and_locks_are_events_in_the_audit_trail(seeded_app: Flask) -> None:
    login(from_address(seeded_app, "192.0.2.1"), "member")
    for n in range(5):
        login(from_address(seeded_app, f"192.0.2.{n + 10}"), "member", "wrong-password")
    app = services_of(seeded_app).tracker
    topics = [n.topic.rpartition(":")[2] for n in app.recorder.select_notifications(0, 10_000)]
    assert "Account.SignedIn" in topics
    assert topics.count("Account.SignInFailed") == 5 and topics.count("Account.Locked") == 1
    svc = services_of(seeded_app)
    svc.read_models.catch_up()
    with svc.read_models.engine.connect() as conn:
        from projections import tables as t

        rows = conn.execute(t.audit.select().where(t.audit.c.aggregate_type == "Account")).all()
    assert len(rows) == 7


def test_the_audit_page_tells_sign_ins_in_chinese(seeded_app: Flask) -> None:
    client = from_address(seeded_app, "192.0.2.5")
    login(client, "admin")
    login(from_address(seeded_app, "192.0.2.6"), "member", "wrong-password")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    signed_in = client.get("/audit?event_type=SignedIn").get_data(as_text=True)
    # accounts are told by the person they stand for (the seed's admin is 管理员), not by login
    assert "管理员 从 192.0.2.5 登录" in signed_in and "admin 从" not in signed_in
    failed = client.get("/audit?event_type=SignInFailed").get_data(as_text=True)
    assert "从 192.0.2.6 以 负责人 登录失败" in failed, failed.split("<tbody>")[1][:600]
