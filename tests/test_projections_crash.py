"""A catch-up process killed with SIGKILL mid-batch resumes and ends equal to a fresh rebuild."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from projections_fixtures import *  # noqa: F403
from projections_fixtures import load_demo, snapshot_tables

from projections import ReadModels
from projections import tables as t
from tracker.application import TrackerApplication

ROOT = Path(__file__).resolve().parents[1]
DRIVER = """
import sys
from zoneinfo import ZoneInfo
from projections import ReadModels
from tracker.application import TrackerApplication
from tracker.storage import parse_database_url
store = parse_database_url(sys.argv[1], create_table=False)
app = TrackerApplication(env=store.es_env, timezone=ZoneInfo("Asia/Shanghai"))
rm = ReadModels(app, store)
rm.batch_size = int(sys.argv[2])
print("ready", flush=True)
rm.catch_up()
print("done", flush=True)
"""
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def _many_events(app: TrackerApplication, per_item: int) -> None:
    """The demo plus a few thousand events, saved many per transaction."""
    load_demo(app)
    for n, item_id in enumerate(app.list_item_ids()):
        item = app.get_item(item_id)
        if n % 3 == 0 and item.owner != "dean":
            item.reassign(actor="boss", owner="dean", reason="load")
        for k in range(per_item):
            if k % 10 == 0 and item.status in ("todo", "doing"):
                item.chase(actor="boss", note=f"chase {k}")
            item.comment(actor="dean", text=f"comment {k}")
        app.save(item)


def _consistent(rm: ReadModels, app: TrackerApplication) -> None:
    """Rows match the tracking positions exactly: nothing half-applied, nothing twice."""
    pos = rm.positions()
    notes = app.recorder.select_notifications(1, 10**6)
    with rm.engine.connect() as conn:
        audit = conn.execute(sa.select(sa.func.count()).select_from(t.audit)).scalar()
        applied = conn.execute(sa.select(sa.func.sum(t.board.c.version))).scalar()
    assert audit == sum(1 for n in notes if n.id <= pos["audit"])
    # each card's version counts the item's events the board applied
    assert applied == sum(1 for n in notes if n.id <= pos["board"] and "WorkItem." in n.topic)


def _start(url: str, batch: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, url, str(batch)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
    return proc


def test_killed_catch_up_resumes_and_equals_a_fresh_rebuild(
        app: TrackerApplication, read_models: ReadModels, database_url: str) -> None:
    _many_events(app, per_item=60)
    head = read_models.head()
    assert head > 2000
    kills_mid_run = 0
    for fraction in (0.1, 0.3, 0.5, 0.7):
        proc = _start(database_url, batch=25)
        deadline = time.monotonic() + 60
        while (proc.poll() is None and time.monotonic() < deadline
               and min(read_models.positions().values()) < fraction * head):
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()
        reached = min(read_models.positions().values())
        kills_mid_run += proc.returncode == -signal.SIGKILL and 0 < reached < head
        _consistent(read_models, app)
    assert kills_mid_run >= 2
    proc = _start(database_url, batch=25)
    assert proc.stdout is not None
    assert proc.stdout.readline() == b"done\n" and proc.wait() == 0
    proc.stdout.close()
    assert read_models.positions() == dict.fromkeys(read_models.names, head)
    resumed = snapshot_tables(read_models)
    read_models.rebuild()
    assert snapshot_tables(read_models) == resumed
