"""Starts and stops a real deployment for the load driver: `tracker init`, a seeded plan and an
admin token, then `tracker serve` processes (and `tracker projections run` on PostgreSQL)."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.application import TrackerApplication
from tracker.domain import item_id
from tracker.storage import parse_database_url

PLAN = "load"
TRACKER = [sys.executable, "-c", "from tracker.cli import main; main()"]


@dataclass
class Deployment:
    """The running deployment: where to send requests, which items, and the store."""

    url: str
    ports: list[int]
    hot: list[str]
    cold: list[str]
    token: str
    apps: list[TrackerApplication] = field(default_factory=list)

    def recorder(self) -> Any:
        """A recorder of this store, opened in the driver's own process."""
        app = TrackerApplication(env=parse_database_url(self.url, create_table=False).es_env)
        self.apps.append(app)
        return app.recorder


def plan_file(hot: int, cold: int) -> str:
    items = "\n".join(
        f"  - {{key: i{n}, title: item {n}, owner: p1, lead_unit: u1, due: 2012-06-30}}"
        for n in range(hot + cold))
    return (f"plan: {{key: {PLAN}, title: load, starts: 2012-01-01, ends: 2012-12-31}}\n"
            "units: [{key: u1, name: unit}]\n"
            "people: [{key: p1, name: person, role: group_leader}]\n"
            f"items:\n{items}\n")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*TRACKER, *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"tracker {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def _wait_healthy(port: int, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"tracker serve on {port} exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"tracker serve on {port} did not answer in {seconds} s")


@contextmanager
def _database(store: str, workdir: Path, pg_url: str) -> Iterator[str]:
    """An SQLite file, or a fresh PostgreSQL schema dropped afterwards."""
    if store == "sqlite":
        yield f"sqlite:///{workdir / 'tracker.db'}"
        return
    import psycopg

    schema = f"load_{uuid.uuid4().hex[:10]}"
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{pg_url}?schema={schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


@contextmanager
def start_deployment(store: str, workdir: Path, pg_url: str, hot: int,
                     cold: int) -> Iterator[Deployment]:
    """Init, seed and start the servers; everything is stopped and dropped on exit."""
    with _database(store, workdir, pg_url) as url:
        instance = workdir / "instance"
        env = {**os.environ, "TRACKER_DATABASE_URL": url, "TRACKER_INSTANCE": str(instance),
               "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        base = ["--instance", str(instance)]
        _cli(env, *base, "init")
        (workdir / "plan.yaml").write_text(plan_file(hot, cold), encoding="utf-8")
        _cli(env, *base, "import", str(workdir / "plan.yaml"))
        _cli(env, *base, "users", "add", "loadadmin", "--role", "admin", "--password",
             "load-password-1")
        token = _cli(env, *base, "users", "token", "loadadmin").strip().splitlines()[-1]
        servers = 1 if store == "sqlite" else 2
        ports = [_free_port() for _ in range(servers)]
        procs: list[subprocess.Popen[bytes]] = []
        logs = [open(workdir / f"proc-{n}.log", "wb") for n in range(servers + 1)]  # noqa: SIM115
        deployment = Deployment(url, ports, [str(item_id(PLAN, f"i{n}")) for n in range(hot)],
                                [str(item_id(PLAN, f"i{n}")) for n in range(hot, hot + cold)],
                                token)
        try:
            if store == "postgres":
                procs.append(subprocess.Popen([*TRACKER, *base, "projections", "run"], env=env,
                                              stdout=logs[-1], stderr=subprocess.STDOUT))
            for n, port in enumerate(ports):
                procs.append(subprocess.Popen(
                    [*TRACKER, *base, "serve", "--port", str(port), "--threads", "8"],
                    env=env, stdout=logs[n], stderr=subprocess.STDOUT))
            for port, proc in zip(ports, procs[-servers:], strict=True):
                _wait_healthy(port, proc)
            yield deployment
        finally:
            _stop(procs)
            for app in deployment.apps:
                app.close()
            for log in logs:
                log.close()
