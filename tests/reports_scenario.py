"""The hand-built scenario of the report tests, with its written table of expected figures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from webfixtures import make_web_app, seed, services_of

from tracker.permissions import SYSTEM, Actor

OWNER = Actor("owner", "member", "member")
CHIEF = Actor("chief", "leader", "leader")
FIGURES = ("owned", "done", "done_on_time", "done_late", "done_late_original", "open",
           "overdue", "overdue_days", "reassigned_to", "reassigned_away",
           "extensions_requested", "extensions_granted", "extensions_refused", "returned",
           "chased", "reports_missed", "on_time_rate")
ZERO = dict.fromkeys(FIGURES, 0) | {"on_time_rate": None}
# Papers show names, never keys: the seed's people by name.
KEY_OF = {"管理员": "director", "组长": "chief", "负责人": "owner", "另一负责人": "other",
          "观察员": "watcher"}

# Today is 2012-06-01. Owner's items: mine (due 06-30) done 05-28; b (due 04-30, extended to
# 05-31) done 05-20; c (due 04-15) returned once, done 05-05; d (due 05-15, report every 30
# days, reported 04-10, chased twice) still open; theirs reassigned to owner on 05-01;
# e: extension refused, then cancelled (not counted as owned).
EXPECTED_TODAY: dict[str, dict[str, Any]] = {
    "owner": ZERO | {"owned": 5, "done": 3, "done_on_time": 2, "done_late": 1,
                     "done_late_original": 2, "open": 2, "overdue": 1, "overdue_days": 17,
                     "reassigned_to": 1, "extensions_requested": 2, "extensions_granted": 1,
                     "extensions_refused": 1, "returned": 1, "chased": 2, "reports_missed": 2,
                     "on_time_rate": 67},
    "other": ZERO | {"reassigned_away": 1},
    "chief": ZERO | {"owned": 1, "open": 1},
    "director": ZERO,
    "watcher": ZERO,
}
# As of 2012-05-10: mine and b not done yet, no chases, d's second report deadline not passed.
EXPECTED_MAY_10 = EXPECTED_TODAY | {
    "owner": EXPECTED_TODAY["owner"] | {
        "done": 1, "done_on_time": 0, "done_late": 1, "done_late_original": 1, "open": 4,
        "overdue": 0, "overdue_days": 0, "chased": 0, "reports_missed": 1, "on_time_rate": 0},
}


class FrozenClock:
    """Today for the app and the timestamp of every new event."""

    def __init__(self) -> None:
        self.now = datetime(2012, 3, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def set(self, month: int, day: int) -> None:
        self.now = datetime(2012, month, day, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    """A frozen clock that also stamps new events (events happen on the scenario's dates)."""
    frozen = FrozenClock()
    monkeypatch.setattr("eventsourcing.domain.datetime_now_with_tzinfo", frozen)
    return frozen


@pytest.fixture
def scenario(database_url: str, tmp_path: Path, clock: FrozenClock,
             monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The seeded web app with the scenario played out up to today, 2012-06-01."""
    monkeypatch.setenv("TRACKER_TIMEZONE", "UTC")
    monkeypatch.delenv("TRACKER_SMTP_URL", raising=False)
    app = make_web_app(database_url, tmp_path / "instance")
    svc = services_of(app)
    svc.tracker.clock = clock
    seed(app)
    play(svc, clock)
    yield app
    svc.close()


def play(svc: Any, clock: FrozenClock) -> None:
    """Run the scenario's commands on their dates."""
    t = svc.tracker

    def new(key: str, due: date, **kw: Any) -> Any:
        return t.create_item(SYSTEM, "web", key=key, title=f"Item {key}", owner="owner",
                             lead_unit="u1", due=due, phase="P1", goal="G1", **kw).id

    def run(item: Any, command: str, actor: Actor = OWNER, **values: Any) -> None:
        t.execute(item, command, actor, **values)

    mine, theirs = (t.get_item(k, "web").id for k in ("mine", "theirs"))
    b, c = new("b", date(2012, 4, 30)), new("c", date(2012, 4, 15))
    d = new("d", date(2012, 5, 15), report_every_days=30)
    e = new("e", date(2012, 5, 10))
    run(mine, "start")
    clock.set(4, 10)
    run(d, "report", note="started", on="2012-04-10")
    clock.set(4, 20)
    run(b, "request-extension", new_due="2012-05-31", reason="waiting for data")
    run(b, "decide-extension", CHIEF, grant="true")
    clock.set(4, 25)
    run(c, "submit", outcome="draft", on="2012-04-25")
    clock.set(4, 26)
    run(c, "return", CHIEF, reason="incomplete minutes")
    clock.set(5, 1)
    run(theirs, "reassign", CHIEF, owner="owner", reason="other is away")
    clock.set(5, 5)
    run(c, "submit", outcome="minutes", on="2012-05-05")
    run(c, "accept", CHIEF)
    run(e, "request-extension", new_due="2012-06-30", reason="busy")
    run(e, "decide-extension", CHIEF, grant="false", note="no")
    clock.set(5, 8)
    run(e, "cancel", CHIEF, reason="no longer needed")
    clock.set(5, 20)
    run(b, "submit", outcome="data", on="2012-05-20")
    run(b, "accept", CHIEF)
    run(d, "chase", CHIEF, note="where is it?")
    clock.set(5, 25)
    run(d, "chase", CHIEF, note="again")
    clock.set(5, 28)
    run(mine, "submit", outcome="meeting held", on="2012-05-28")
    run(mine, "accept", CHIEF)
    clock.set(6, 1)
    svc.sync(t.recorder.max_notification_id())


__all__ = ["clock", "scenario"]


def figures(row: dict[str, Any]) -> dict[str, Any]:
    """Only the figures of a ledger row."""
    return {k: row[k] for k in FIGURES}
