"""The mail outbox: every mail the tracker means to send is a durable row, retried with
back-off until it is sent or given up (loudly), so no reminder is lost to an SMTP outage.

Rows live beside the accounts (same engine, durable commits), never in events: a delivery
attempt is not history. Each mail has a key (``reminder:<item>:<cause>``), so queuing the same
mail twice is harmless. The address and language are looked up when the mail is sent, so a
reminder queued before the person had an address goes out once they have one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)

metadata = sa.MetaData()
outbox_table = sa.Table(
    "mail_outbox", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(300), nullable=False, unique=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("person", sa.String(200), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # pending | sent | failed
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("last_error", sa.Text),
    sa.Column("error_code", sa.String(32)),  # no_address | smtp (what the outbox page says)
    sa.Column("sent_to", sa.String(300)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True)),
)


def utcnow() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the n-th failed attempt: 1, 2, 4 … minutes, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 20), LONGEST_WAIT)


@dataclass(frozen=True)
class Mail:
    """One queued mail: to whom (a person key), what (kind and payload) and how it went."""

    id: int
    key: str
    kind: str
    person: str
    payload: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    error_code: str | None
    sent_to: str | None
    created_at: datetime
    sent_at: datetime | None


class Outbox:
    """The durable queue of mail."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def create_tables(self) -> None:
        """Create the outbox table if it is missing."""
        metadata.create_all(self.engine)

    def enqueue(self, key: str, kind: str, person: str, payload: dict[str, Any],
                now: datetime | None = None) -> bool:
        """Queue a mail unless one with this key was queued before; True if queued now."""
        now = now or utcnow()
        with self.engine.begin() as conn:
            found = conn.execute(sa.select(outbox_table.c.id).where(outbox_table.c.key == key))
            if found.first() is not None:
                return False
            try:
                with conn.begin_nested():
                    conn.execute(outbox_table.insert().values(
                        key=key, kind=kind, person=person, payload=payload, status="pending",
                        attempts=0, next_attempt_at=now, created_at=now))
            except sa.exc.IntegrityError:  # queued by another process meanwhile
                return False
        return True

    def due(self, now: datetime | None = None, *, all_pending: bool = False) -> list[Mail]:
        """Pending mails whose back-off has passed (or every pending one), oldest first."""
        query = sa.select(outbox_table).where(outbox_table.c.status == "pending")
        if not all_pending:
            query = query.where(outbox_table.c.next_attempt_at <= (now or utcnow()))
        with self.engine.connect() as conn:
            return [_mail(r) for r in conn.execute(query.order_by(outbox_table.c.id))]

    def list(self, limit: int = 200) -> list[Mail]:
        """The most recent mails, newest first."""
        query = sa.select(outbox_table).order_by(outbox_table.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [_mail(r) for r in conn.execute(query)]

    def counts(self) -> dict[str, int]:
        """How many mails are pending, sent and failed."""
        query = sa.select(outbox_table.c.status, sa.func.count()).group_by(outbox_table.c.status)
        with self.engine.connect() as conn:
            found = dict(conn.execute(query).tuples().all())
        return {s: int(found.get(s, 0)) for s in ("pending", "sent", "failed")}

    def mark_sent(self, mail_id: int, to: str, now: datetime | None = None) -> None:
        """Record that the mail went out to the address."""
        with self.engine.begin() as conn:
            conn.execute(outbox_table.update().where(outbox_table.c.id == mail_id).values(
                status="sent", sent_to=to, sent_at=now or utcnow(), last_error=None,
                error_code=None,
                attempts=outbox_table.c.attempts + 1))

    def mark_failed(self, mail: Mail, error: str, now: datetime | None = None,
                    code: str = "smtp") -> bool:
        """Record a failed attempt and when to try again; True when the mail is given up."""
        now = now or utcnow()
        attempts = mail.attempts + 1
        given_up = attempts >= MAX_ATTEMPTS
        with self.engine.begin() as conn:
            conn.execute(outbox_table.update().where(outbox_table.c.id == mail.id).values(
                status="failed" if given_up else "pending", attempts=attempts,
                last_error=error[:2000], error_code=code,
                next_attempt_at=now + backoff(attempts)))
        return given_up


def _mail(row: Any) -> Mail:
    m = row._mapping
    return Mail(m["id"], m["key"], m["kind"], m["person"], dict(m["payload"]), m["status"],
                m["attempts"], _aware(m["next_attempt_at"]), m["last_error"], m["error_code"],
                m["sent_to"],
                _aware(m["created_at"]), _aware(m["sent_at"]) if m["sent_at"] else None)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite drops the zone


@dataclass
class Delivery:
    """What one delivery run did."""

    sent: list[tuple[Mail, str]] = field(default_factory=list)
    failed: list[tuple[Mail, str]] = field(default_factory=list)
    given_up: list[tuple[Mail, str]] = field(default_factory=list)


class MailError(Exception):
    """A mail cannot be sent: code "no_address", or "smtp" (server unreachable or refusing)."""

    def __init__(self, message: str, code: str = "smtp") -> None:
        super().__init__(message)
        self.code = code


def deliver(outbox: Outbox, send: Callable[[Mail], str], *, all_pending: bool = False,
            now: datetime | None = None) -> Delivery:
    """Try each due mail once: `send` returns the address it went to or raises MailError."""
    report = Delivery()
    for mail in outbox.due(now, all_pending=all_pending):
        try:
            to = send(mail)
        except MailError as e:
            why = str(e) or type(e).__name__
            gave_up = outbox.mark_failed(mail, why, now, e.code)
            (report.given_up if gave_up else report.failed).append((mail, why))
            continue
        outbox.mark_sent(mail.id, to, now)
        report.sent.append((mail, to))
    return report
