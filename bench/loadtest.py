"""A bounded load driver on loopback: real `tracker serve` processes (1 on SQLite; 2 + one
`tracker projections run` on PostgreSQL), N client threads for S seconds, a fifth of the writes
on ten hot items with expected_version, a reader tailing the notification log; then every count
is checked against a replay of the store.

    python -m bench.loadtest --clients 100 --seconds 60 --store sqlite|postgres
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.loadservers import Deployment, start_deployment

HOT, COLD = 10, 40
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass
class Tally:
    """What the clients saw, shared under a lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    acked: set[tuple[str, int]] = field(default_factory=set)
    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    conflicts: int = 0
    lost_races: int = 0
    unavailable: int = 0

    def record(self, status: int, seconds: float, problem: str | None = None) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies.append(seconds)
            if problem:
                self.problems.append(problem)


def _request(conn: http.client.HTTPConnection, method: str, path: str, token: str,
             body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any], dict[str, str]]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    raw = response.read()
    try:
        answer = json.loads(raw) if raw else {}
    except ValueError:
        answer = {"raw": raw[:200].decode(errors="replace")}
    return response.status, answer, {k.lower(): v for k, v in response.getheaders()}


def client(n: int, dep: Deployment, deadline: float, tally: Tally,
           versions: dict[str, int]) -> None:
    """One client: writes (a fifth on hot items with expected_version) and some reads."""
    rng = random.Random(n)
    port = dep.ports[n % len(dep.ports)]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        while time.monotonic() < deadline:
            roll = rng.random()
            body: dict[str, Any] = {"text": f"load {n} {rng.random():.6f}"}
            if roll < 0.15:  # a read
                method, path = "GET", f"/api/items/{rng.choice(dep.cold)}"
            elif roll < 0.15 + 0.85 / 5:  # a fifth of the writes: a hot item, expected_version
                item = rng.choice(dep.hot)
                method, path = "POST", f"/api/items/{item}/comment"
                body["expected_version"] = versions[item]
            else:
                method, path = "POST", f"/api/items/{rng.choice(dep.cold)}/comment"
            started = time.perf_counter()
            try:
                status, answer, headers = _request(conn, method, path, dep.token,
                                                   body if method == "POST" else None)
            except (OSError, http.client.HTTPException) as e:
                tally.record(0, time.perf_counter() - started, f"{path}: {e!r}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            elapsed = time.perf_counter() - started
            problem = _check(method, path, status, answer, headers, tally, versions, body)
            tally.record(status, elapsed, problem)
    finally:
        conn.close()


def _check(method: str, path: str, status: int, answer: dict[str, Any], headers: dict[str, str],
           tally: Tally, versions: dict[str, int], body: dict[str, Any]) -> str | None:
    """The per-answer rules; returns a problem, if any."""
    item = path.split("/")[3]
    if method == "POST" and 200 <= status < 300:
        with tally.lock:
            tally.acked.add((answer["id"], answer["version"]))
            if item in versions:
                versions[item] = max(versions[item], answer["version"])
        return None
    if status == 409:
        current = answer.get("current_version")
        if answer.get("error") != "conflict" or not isinstance(current, int):
            return f"409 without current_version: {answer}"
        with tally.lock:  # without expected_version, a 409 is a lost race on a cold item
            tally.conflicts += 1
            tally.lost_races += "expected_version" not in body
            if item in versions:
                versions[item] = max(versions[item], current)
        return None
    if status == 503:
        with tally.lock:
            tally.unavailable += 1
        return None if headers.get("retry-after") else f"503 without Retry-After: {answer}"
    if method == "GET" and status == 200:
        return None
    return f"{method} {path} → {status}: {str(answer)[:200]}"


def tail(dep: Deployment, start: int, stop: threading.Event, seen: list[tuple[str, int]]) -> None:
    """Poll select_notifications from the head before the run, as a downstream reader would."""
    recorder = dep.recorder()
    position = start
    while True:
        done = stop.is_set()
        batch = recorder.select_notifications(position + 1, 500)
        seen.extend((str(n.originator_id), n.originator_version) for n in batch)
        if batch:
            position = batch[-1].id
        elif done:
            return
        else:
            time.sleep(0.01)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def run(clients: int, seconds: float, store: str, pg_url: str, workdir: Path) -> dict[str, Any]:
    """Drive the deployment; returns the figures and the list of broken rules (empty = pass)."""
    with start_deployment(store, workdir, pg_url, HOT, COLD) as dep:
        recorder = dep.recorder()
        start = recorder.max_notification_id() or 0
        versions = dict.fromkeys(dep.hot, 0)
        conn = http.client.HTTPConnection("127.0.0.1", dep.ports[0], timeout=60)
        for item in dep.hot:
            versions[item] = _request(conn, "GET", f"/api/items/{item}", dep.token)[1]["version"]
        conn.close()
        tally, seen, stop = Tally(), [], threading.Event()
        reader = threading.Thread(target=tail, args=(dep, start, stop, seen), daemon=True)
        reader.start()
        began = time.monotonic()
        deadline = began + seconds
        threads = [threading.Thread(target=client, args=(n, dep, deadline, tally, versions))
                   for n in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=seconds + 120)
        elapsed = time.monotonic() - began
        stop.set()
        reader.join(timeout=60)
        replay = {(str(n.originator_id), n.originator_version)
                  for n in recorder.select_notifications(start + 1, 10**7)}
    broken = list(dict.fromkeys(tally.problems))[:20]
    if any(t.is_alive() for t in threads) or reader.is_alive():
        broken.append("a client or the reader did not finish")
    if tally.acked != replay:
        broken.append(f"acknowledged {len(tally.acked)} ≠ stored {len(replay)} "
                      f"(lost {len(tally.acked - replay)}, unacknowledged "
                      f"{len(replay - tally.acked)})")
    if len(seen) != len(set(seen)) or set(seen) != replay:
        broken.append(f"the reader saw {len(set(seen))} of {len(replay)} events "
                      f"({len(seen) - len(set(seen))} twice)")
    fives = {s: c for s, c in tally.statuses.items() if s >= 500 and s != 503 or s == 0}
    if fives:
        broken.append(f"server errors: {fives}")
    total = sum(tally.statuses.values())
    return {"store": store, "clients": clients, "seconds": round(elapsed, 1), "requests": total,
            "throughput": round(total / elapsed, 1), "acked": len(tally.acked),
            "events": len(replay), "conflicts": tally.conflicts,
            "lost_races": tally.lost_races, "503": tally.unavailable,
            "p50_ms": round(percentile(tally.latencies, 0.50) * 1000, 1),
            "p95_ms": round(percentile(tally.latencies, 0.95) * 1000, 1),
            "p99_ms": round(percentile(tally.latencies, 0.99) * 1000, 1),
            "statuses": dict(sorted(tally.statuses.items())), "broken": broken}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest", description=__doc__)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("TRACKER_TEST_POSTGRES_URL",
                                                           PG_DEFAULT))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tracker-load-") as tmp:
        figures = run(args.clients, args.seconds, args.store, args.pg_url, Path(tmp))
    for key, value in figures.items():
        print(f"{key:>11}: {value}")
    return 1 if figures["broken"] else 0


__all__ = ["main", "run"]

if __name__ == "__main__":
    sys.exit(main())
