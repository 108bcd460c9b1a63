"""`tracker remind`: one Reminded event per cause, mailed once through a real SMTP server by
way of the outbox, in the owner's language, even when the server was down at first."""

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
  - {key: owner, name: Owner, email: owner@example.org}
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
    """The plan imported: owner has a mail address of their own (from the plan file), other
    has none yet."""
    store = parse_database_url(database_url)
    app = TrackerApplication(env=store.es_env)
    import_plan(app, parse_plan_file(PLAN), SYSTEM)
    app.close()
    return database_url


def received(inbox: Inbox) -> list[tuple[str, str, str]]:
    """(to, subject, body) of every message the server took, sorted."""
    out = []
    for m in inbox.messages:
        msg = message_from_bytes(m.content, policy=default)
        out.append((m.rcpt_tos[0], str(msg["Subject"]), msg.get_content()))  # type: ignore[attr-defined]
    return sorted(out)


def test_remind_mails_each_reminder_once_in_the_owners_language_with_a_link(
        loaded: str, smtp: tuple[Inbox, int], tmp_path: Path) -> None:
    inbox, port = smtp
    env = {"TRACKER_SMTP_URL": f"smtp://127.0.0.1:{port}", "TRACKER_TIMEZONE": "UTC",
           "TRACKER_MAIL_FROM": "tracker@example.org",
           "TRACKER_BASE_URL": "https://tracker.example.org/"}
    base = ["--db", loaded, "--instance", str(tmp_path / "i")]
    first = CliRunner().invoke(main, [*base, "remind"], env=env)
    assert first.exit_code == 1, first.output  # other has no address: not sent, kept
    assert "other has no mail address" in first.stderr
    second = CliRunner().invoke(main, [*base, "remind"], env=env)
    assert second.exit_code == 1
    assert "0 reminders recorded, 0 mails queued, 0 mailed" in second.stdout
    got = received(inbox)
    # Every 2012 item is overdue today; B's report cadence starts at its (real) creation.
    assert [to for to, _, _ in got] == ["owner@example.org"] * 2
    assert [s for _, s, _ in got] == ["已逾期：Item A", "已逾期：Item B"]
    body = got[0][2]
    assert "办结时限为2012年6月30日，至今尚未办结。" in body and "red:" not in body
    app = TrackerApplication(env=parse_database_url(loaded).es_env)
    item = app.get_item("a", "r")
    app.close()
    assert f"https://tracker.example.org/items/{item.id}" in body
    # An address given later: the reminder queued before it goes out, in English, once.
    set_it = CliRunner().invoke(main, [*base, "people", "contact", "other", "--email",
                                       "other@example.org", "--language", "en"])
    assert set_it.exit_code == 0, set_it.output
    third = CliRunner().invoke(main, [*base, "remind"], env=env)
    assert third.exit_code == 0, third.output
    assert CliRunner().invoke(main, [*base, "remind"], env=env).exit_code == 0
    others = [m for m in received(inbox) if m[0] == "other@example.org"]
    assert [s for _, s, _ in others] == ["Overdue: Item C"]
    assert "It was due on August 31, 2012 and is not finished yet." in others[0][2]
    listing = CliRunner().invoke(main, [*base, "outbox"])
    assert "0 pending, 3 sent, 0 given up." in listing.output
    assert "Other\tother@example.org\tItem C" in listing.output


def test_with_the_smtp_server_down_remind_exits_non_zero_and_a_later_run_delivers(
        loaded: str, tmp_path: Path) -> None:
    port = free_port()  # nothing listens here yet
    env = {"TRACKER_SMTP_URL": f"smtp://127.0.0.1:{port}", "TRACKER_TIMEZONE": "UTC"}
    base = ["--db", loaded, "--instance", str(tmp_path / "i")]
    down = CliRunner().invoke(main, [*base, "remind"], env=env)
    assert down.exit_code == 1, down.output
    assert "Not sent yet" in down.stderr and f"127.0.0.1:{port}" in down.stderr
    retry = CliRunner().invoke(main, [*base, "outbox", "send"], env=env)
    assert retry.exit_code == 0 and "0 mailed" in retry.stdout  # still backing off
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        up = CliRunner().invoke(main, [*base, "remind"], env=env)
        again = CliRunner().invoke(main, [*base, "remind"], env=env)
    finally:
        controller.stop()
    assert "0 reminders recorded, 0 mails queued, 2 mailed" in up.stdout, up.output
    assert [to for to, _, _ in received(inbox)] == ["owner@example.org"] * 2
    assert up.exit_code == 1  # other still has no address, and says so
    assert "0 mailed" in again.stdout and len(inbox.messages) == 2


def test_a_mail_that_keeps_failing_is_given_up_loudly(database_url: str) -> None:
    from tracker.outbox import MAX_ATTEMPTS, MailError, Outbox, backoff, deliver
    from tracker.storage import sql_engine

    engine = sql_engine(parse_database_url(database_url))
    box = Outbox(engine)
    box.create_tables()
    assert box.enqueue("reminder:x:red:2012-01-01", "reminder", "owner", {"title": "T"})
    assert not box.enqueue("reminder:x:red:2012-01-01", "reminder", "owner", {"title": "T"})

    def refuse(mail: Any) -> str:
        raise MailError("550 mailbox unavailable")

    reports = [deliver(box, refuse, all_pending=True) for _ in range(MAX_ATTEMPTS)]
    assert all(len(r.failed) == 1 for r in reports[:-1])
    assert [m.key for m, _ in reports[-1].given_up] == ["reminder:x:red:2012-01-01"]
    assert box.counts() == {"pending": 0, "sent": 0, "failed": 1}
    assert deliver(box, refuse, all_pending=True).given_up == []
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert backoff(50).total_seconds() == 6 * 3600
    engine.dispose()


def test_reminders_are_events_read_back_from_the_item(loaded: str, tmp_path: Path) -> None:
    args = ["--db", loaded, "--instance", str(tmp_path / "i"), "remind"]
    result = CliRunner().invoke(main, args, env={"TRACKER_SMTP_URL": ""})
    assert "3 reminders recorded (TRACKER_SMTP_URL not set: no mail)" in result.output
    assert result.exit_code == 0
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
