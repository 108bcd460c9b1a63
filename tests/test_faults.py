"""Faults: an unreachable or locked database, a full disk, a read-only store and kill -9 in
the middle of commands: a clear 503 or exit 2, nothing half-written, no acknowledged command
lost, and service resumes when the fault is gone."""

from __future__ import annotations

import http.client
import itertools
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from faultserver import Mount, Server, can_mount

from tracker.cli import main


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_cli_on_an_unreachable_database_exits_2_with_a_clear_message(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTGRES_CONNECT_TIMEOUT", "1")  # the library's own setting
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/test"
    for args in (["init"], ["items", "list"]):
        result = CliRunner().invoke(main, ["--db", url, "--instance", str(tmp_path), *args])
        assert result.exit_code == 2, (args, result.output, result.exception)
        assert "database" in result.output.lower(), result.output
        assert "Traceback" not in result.output


def test_a_locked_sqlite_store_answers_503_and_stores_nothing(tmp_path: Path) -> None:
    import sqlite3

    from webfixtures import api_token, bearer, make_web_app, seed, services_of

    db = tmp_path / "locked.db"
    app = make_web_app(f"sqlite:///{db}?timeout=1", tmp_path / "instance")
    try:
        seed(app)
        svc = services_of(app)
        card = svc.queries.board()[0]
        headers = bearer(api_token(app, "admin"))
        before = svc.tracker.recorder.max_notification_id()
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")  # another writer holds the file past the timeout
        try:
            response = app.test_client().post(f"/api/items/{card['id']}/comment",
                                              json={"text": "while locked"}, headers=headers)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert response.status_code == 503
        assert response.headers["Retry-After"]
        assert response.get_json()["error"] == "unavailable"
        assert svc.tracker.recorder.max_notification_id() == before
        again = app.test_client().post(f"/api/items/{card['id']}/comment",
                                       json={"text": "after the lock"}, headers=headers)
        assert again.status_code == 200
    finally:
        services_of(app).close()


def test_a_locked_sqlite_store_makes_the_cli_exit_2(tmp_path: Path) -> None:
    import sqlite3

    from tracker.demo import demo_plan_text

    db = tmp_path / "locked.db"
    url = f"sqlite:///{db}?timeout=1"
    init = CliRunner().invoke(main, ["--db", url, "--instance", str(tmp_path), "init"])
    assert init.exit_code == 0
    plan = tmp_path / "plan.yaml"
    plan.write_text(demo_plan_text(), encoding="utf-8")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = CliRunner().invoke(main, ["--db", url, "--instance", str(tmp_path), "import",
                                           str(plan)])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 2, (result.output, result.exception)
    assert "database" in result.output.lower()
    check = sqlite3.connect(db)
    try:
        assert check.execute("SELECT count(*) FROM stored_events").fetchone() == (0,)
    finally:
        check.close()


# -- Real faults under a real server: a size-limited filesystem the test mounts, the server
#    running as the unprivileged user nobody (root would ignore file permissions), kill -9.

needs_mount = pytest.mark.skipif(not can_mount(), reason="needs root to mount a tmpfs (CI has)")


@pytest.fixture
def mounted() -> Iterator[Mount]:
    mount = Mount("24m")
    yield mount
    mount.close()


@pytest.fixture
def server(mounted: Mount) -> Iterator[Server]:
    srv = Server(mounted.path, as_nobody=True)
    srv.setup()
    yield srv
    srv.stop()


def comments(srv: Server, item: str) -> list[str]:
    status, body = srv.api("GET", f"/api/items/{item}/history")
    assert status == 200, body
    return [e["data"]["text"] for e in body["events"] if e["event_type"] == "Commented"]


def first_item(srv: Server) -> str:
    status, body = srv.api("GET", "/api/items")
    assert status == 200, body
    return str(body["items"][0]["id"])


def chain_verifies(srv: Server) -> int:
    """Export the whole trail with the CLI and verify it; return its record count."""
    out = srv.folder / "audit.jsonl"
    exported = srv.cli("export", "audit", "--output", str(out))
    assert exported.returncode == 0, exported.stderr
    verified = srv.cli("audit", "verify", str(out))
    assert verified.returncode == 0, verified.stderr
    return int(verified.stdout.split()[1])


@needs_mount
@pytest.mark.slow
def test_a_full_disk_answers_503_writes_nothing_and_service_resumes_when_space_is_freed(
        mounted: Mount, server: Server) -> None:
    server.start()
    item = first_item(server)
    assert server.api("POST", f"/api/items/{item}/comment", {"text": "before"})[0] == 200
    filler = mounted.fill()
    for size in (20000, 10):
        status, body = server.api("POST", f"/api/items/{item}/comment", {"text": "x" * size})
        assert status == 503, body
        assert body["error"] == "unavailable" and body["message"] and body["_retry_after"]
    assert server.api("GET", f"/api/items/{item}")[0] == 200  # reading still works
    filler.unlink()
    status, body = server.api("POST", f"/api/items/{item}/comment", {"text": "after"})
    assert status == 200, body
    assert comments(server, item) == ["before", "after"]  # nothing of the refused ones
    server.stop()
    assert chain_verifies(server) > 0


@needs_mount
@pytest.mark.slow
def test_a_read_only_store_is_refused_with_a_clear_message_and_nothing_written(
        server: Server) -> None:
    db = server.folder / "tracker.db"
    before = db.read_bytes()
    db.chmod(0o444)  # the server runs as nobody, who cannot write it (root could)
    started = subprocess.run(
        server._prefix() + [sys.executable, "-m", "tracker.cli", "--instance",
                            str(server.instance), "--db", server.url, "serve", "--port", "1"],
        capture_output=True, text=True, timeout=60, check=False, cwd=server.folder)
    assert started.returncode == 2, started.stderr
    assert "readonly database" in started.stderr and "Traceback" not in started.stderr
    refused = server.cli("people", "contact", "boss", "--email", "boss@example.org")
    assert refused.returncode == 2, refused
    assert "database" in refused.stderr and "Traceback" not in refused.stderr
    assert db.read_bytes() == before
    for part in server.folder.glob("tracker.db*"):  # SQLite gave its -wal and -shm the same
        part.chmod(0o644)                         # mode; the fault is gone with all three
    server.start()
    item = first_item(server)
    assert server.api("POST", f"/api/items/{item}/comment", {"text": "writable"})[0] == 200


@needs_mount
@pytest.mark.slow
def test_kill_9_mid_command_loses_no_acknowledged_command_and_leaves_nothing_half_written(
        server: Server) -> None:
    server.start()
    item = first_item(server)
    acknowledged: list[str] = []
    lock, stop = threading.Lock(), threading.Event()

    def writer(n: int) -> None:
        for i in itertools.count():
            if stop.is_set():
                return
            text = f"writer {n} comment {i}"
            try:
                status, _ = server.api("POST", f"/api/items/{item}/comment", {"text": text},
                                       timeout=10)
            except (OSError, http.client.HTTPException):
                return  # the connection died with the server (maybe mid-answer): not acknowledged
            if status == 200:
                with lock:
                    acknowledged.append(text)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 30 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.kill()  # SIGKILL while the writers are mid-command
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert len(acknowledged) >= 30
    records = chain_verifies(server)  # the store opens, every event decodes, chain verifies
    server.start()
    stored = comments(server, item)
    assert set(acknowledged) <= set(stored)  # every acknowledged command survived
    assert len(stored) == len(set(stored))  # none twice
    assert records >= 6 + len(acknowledged)
    status, body = server.api("POST", f"/api/items/{item}/comment", {"text": "after restart"})
    assert status == 200, body
