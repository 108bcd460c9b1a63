"""PostgreSQL scale-out: two `tracker serve` processes and one `tracker projections run`.

A command sent to either web process is visible in the next page that same process renders
(read-your-writes): each applies the events its own commands saved; the projection process
catches up the rest.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from pgschema import fresh_postgres_schema

PG_URL = os.environ.get("TRACKER_TEST_POSTGRES_URL")

pytestmark = pytest.mark.skipif(not PG_URL, reason="TRACKER_TEST_POSTGRES_URL is not set")
TRACKER = [sys.executable, "-m", "tracker.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tracker(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*TRACKER, *args], env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    return done.stdout


def call(port: int, method: str, path: str, token: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"server on {port} did not start")


@pytest.fixture
def pg_database_url() -> Iterator[str]:
    """A fresh PostgreSQL schema, dropped afterwards."""
    assert PG_URL
    with fresh_postgres_schema(PG_URL, "scale") as url:
        yield url


@pytest.fixture
def deployment(pg_database_url: str, tmp_path: Path) -> Iterator[tuple[list[int], str]]:
    database_url = pg_database_url
    env = {**os.environ, "TRACKER_DATABASE_URL": database_url,
           "TRACKER_INSTANCE": str(tmp_path / "instance"), "TRACKER_TIMEZONE": "Asia/Shanghai"}
    tracker(env, "init")
    tracker(env, "demo")
    tracker(env, "users", "add", "boss", "--role", "leader", "--person", "dean",
            "--password", "boss-walnut-lantern")
    token = tracker(env, "users", "token", "boss").strip().split()[-1]
    ports = [free_port(), free_port()]
    processes = [subprocess.Popen([*TRACKER, "projections", "run"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    for n, port in enumerate(ports):  # the first web process is itself two gunicorn workers
        processes.append(subprocess.Popen(
            [*TRACKER, "serve", "--port", str(port), "--workers", str(2 - n)], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    try:
        for port in ports:
            wait_for(port)
        yield ports, token
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def test_a_command_in_either_web_process_shows_in_its_next_page(
        deployment: tuple[list[int], str]) -> None:
    ports, token = deployment
    items = call(ports[0], "GET", "/api/items?plan=ogy&status=todo", token)["items"]
    assert len(items) >= 4
    for n, item in enumerate(items[:6]):
        port = ports[n % 2]
        result = call(port, "POST", f"/api/items/{item['id']}/comment", token,
                      {"text": f"来自进程 {port}", "expected_version": item["version"]})
        card = call(port, "GET", f"/api/items/{item['id']}", token)
        assert card["version"] == result["version"] == item["version"] + 1
        history = call(port, "GET", f"/api/items/{item['id']}/history", token)["events"]
        assert history[-1]["event_type"] == "Commented"
        assert history[-1]["text"] == f"来自进程 {port}"
    for item in items[:6]:  # nothing lost: each process sees every comment, exactly once
        for port in ports:
            history = call(port, "GET", f"/api/items/{item['id']}/history", token)["events"]
            assert [e["event_type"] for e in history].count("Commented") == 1
