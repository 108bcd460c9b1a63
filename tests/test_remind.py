"""`tracker remind`: one Reminded event per cause, mailed once through a real SMTP server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from tracker.accounts import Accounts, make_engine
from tracker.application import TrackerApplication
from tracker.cli import main
from tracker.domain import WorkItem
from tracker.importer import import_plan
from tracker.permissions import SYSTEM
from tracker.planfile import parse_plan_file
from tracker.reminders import causes
from tracker.storage import parse_database_url

PLAN = """\
plan: {key: r, title: Reminders, starts: 2012-01-01, ends: 2012-12-31}
units: [{key: u1, name: Unit}]
people:
  - {key: owner, name: Owner}
  - {key: other, name: Other}
items:
  - {key: a, title: Item A, owner: owner, lead_unit: u1, due: 2012-06-30}
  - {key: b, title: Item B, owner: owner, lead_unit: u1, due: 2012-07-31, report_every_days: 30}
  - {key: c, title: Item C, owner: other, lead_unit: u1, due: 2012-08-31}
"""


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on localhost, stopped after the test."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def loaded(database_url: str) -> str:
    """The plan imported and an account with a mail address for owner (none for other)."""
    store = parse_database_url(database_url)
    app = TrackerApplication(env=store.es_env)
    import_plan(app, parse_plan_file(PLAN), SYSTEM)
    app.close()
    engine = make_engine(store)
    accounts = Accounts(engine)
    accounts.create_tables()
    accounts.add("owner@example.org", "member", person="owner", password="owner-password")
    engine.dispose()
    return database_url


def test_remind_twice_mails_each_reminder_once(loaded: str, smtp: tuple[Inbox, int],
                                               tmp_path: Path) -> None:
    inbox, port = smtp
    env = {"TRACKER_SMTP_URL": f"smtp://127.0.0.1:{port}", "TRACKER_TIMEZONE": "UTC",
           "TRACKER_MAIL_FROM": "tracker@example.org"}
    args = ["--db", loaded, "--instance", str(tmp_path / "i"), "remind"]
    first = CliRunner().invoke(main, args, env=env)
    assert first.exit_code == 0, first.output
    second = CliRunner().invoke(main, args, env=env)
    assert second.exit_code == 0, second.output
    assert "0 reminders recorded, 0 mailed" in second.output
    received = sorted((m.rcpt_tos[0], str(message_from_bytes(m.content, policy=default)["Subject"]))
                      for m in inbox.messages)
    # Every 2012 item is overdue today; B's report cadence starts at its (real) creation.
    assert [to for to, _ in received] == ["owner@example.org"] * 2
    assert [s.rsplit(": ", 1)[1] for _, s in received] == ["Item A", "Item B"]
    assert "Not mailed to other (red:2012-08-31)" in first.output


def test_reminders_are_events_read_back_from_the_item(loaded: str, tmp_path: Path) -> None:
    args = ["--db", loaded, "--instance", str(tmp_path / "i"), "remind"]
    result = CliRunner().invoke(main, args, env={"TRACKER_SMTP_URL": ""})
    assert "3 reminders recorded (TRACKER_SMTP_URL not set: no mail)" in result.output
    store = parse_database_url(loaded)
    app = TrackerApplication(env=store.es_env)
    item = app.get_item("a", "r")
    assert item.was_reminded("red:2012-06-30")
    assert app.record_reminder(SYSTEM, item.id, cause="red:2012-06-30", due=item.due) is None
    app.close()


def test_causes_are_yellow_red_and_missed_reports() -> None:
    item = WorkItem.create(actor="a", plan_key="p", period=(date(2012, 1, 1), date(2012, 12, 31)),
                           key="k", title="T", owner="o", lead_unit="u", due=date(2012, 6, 30),
                           report_every_days=10)
    item.last_report_on = date(2012, 6, 1)
    assert causes(item, date(2012, 6, 5), 3) == []
    assert causes(item, date(2012, 6, 12), 3) == ["report:2012-06-11"]
    assert causes(item, date(2012, 6, 27), 3) == ["yellow:2012-06-30", "report:2012-06-21"]
    assert causes(item, date(2012, 7, 1), 3) == ["red:2012-06-30", "report:2012-06-21"]
