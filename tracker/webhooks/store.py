"""Webhooks: the subscriptions an administrator registers, and the delivery log.

The event store is the outbox: a worker reads notifications past each hook's position and
queues one delivery per matching event here; commands never touch these tables.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from tracker.errors import N_, NotFoundError
from tracker.webhooks.kinds import check_event_types
from tracker.webhooks.targets import check_target, networks, redact

SIGNATURE_HEADER = "X-Tracker-Signature"
TIMESTAMP_HEADER = "X-Tracker-Timestamp"
MAX_ID = 2**31 - 1

metadata = sa.MetaData()
hooks_table = sa.Table(
    "webhooks", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("event_types", sa.JSON, nullable=False),
    sa.Column("secret", sa.String(128), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
deliveries_table = sa.Table(
    "webhook_deliveries", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("webhook_id", sa.Integer, sa.ForeignKey("webhooks.id"), nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("event_type", sa.String(130), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # pending | delivered | failed
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_status", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("next_attempt_at", sa.DateTime, nullable=False, index=True),
    sa.Column("lease_until", sa.DateTime),
    sa.Column("delivered_at", sa.DateTime),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("webhook_id", "seq", name="uq_webhook_delivery_seq"),
)


def utcnow() -> datetime:
    """Naive UTC, as the delivery tables keep it."""
    return datetime.now(UTC).replace(tzinfo=None)


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` and the hex HMAC-SHA256, keyed with the hook's
    secret (its UTF-8 bytes), of the timestamp, a full stop and the body (docs/webhooks.md)."""
    message = str(timestamp).encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def matches(event_types: Sequence[str], aggregate_type: str, event_type: str) -> bool:
    """Whether a hook wants an event ("*", "Reassigned" or "WorkItem.Reassigned")."""
    return any(t in ("*", event_type, f"{aggregate_type}.{event_type}") for t in event_types)


@dataclass(frozen=True)
class Hook:
    """A registered webhook."""

    id: int
    url: str
    event_types: list[str]
    secret: str
    active: bool
    position: int
    created_by: str
    created_at: datetime

    def public(self) -> dict[str, Any]:
        """What an administrator sees (the secret is shown once, at registration)."""
        return {"id": self.id, "url": redact(self.url), "event_types": self.event_types,
                "active": self.active, "position": self.position,
                "created_by": self.created_by, "created_at": self.created_at}


class Webhooks:
    """The webhook and delivery tables, and the only code that reads or writes them."""

    def __init__(self, engine: sa.Engine, allow: Sequence[str] = ()) -> None:
        self.engine = engine
        self.allow = networks(allow)

    def create_tables(self) -> None:
        """Create the tables when missing."""
        metadata.create_all(self.engine)

    def register(self, url: str, event_types: list[str], position: int,
                 created_by: str) -> Hook:
        """A new active hook that receives events after `position` (no backfill)."""
        values = {"url": check_target(url, self.allow),
                  "event_types": check_event_types(event_types),
                  "secret": secrets.token_hex(32), "active": True, "position": position,
                  "created_by": created_by, "created_at": utcnow()}
        with self.engine.begin() as conn:
            key = conn.execute(hooks_table.insert().values(**values)).inserted_primary_key
        assert key is not None
        return self.get(int(key[0]))

    def get(self, hook_id: int) -> Hook:
        """The hook with this id (a removed hook is gone, with its delivery log)."""
        row = None
        if 0 < hook_id <= MAX_ID:  # larger ids fit no column: there is no such hook
            with self.engine.connect() as conn:
                row = conn.execute(sa.select(hooks_table).where(
                    hooks_table.c.id == hook_id, hooks_table.c.active.is_(True))
                ).mappings().first()
        if row is None:
            raise NotFoundError(N_("There is no %(what)s %(key)s."), what="webhook", key=hook_id)
        return Hook(**row)

    def hooks(self) -> list[Hook]:
        """Every hook not removed, oldest first."""
        query = sa.select(hooks_table).where(hooks_table.c.active.is_(True)).order_by(
            hooks_table.c.id)
        with self.engine.connect() as conn:
            return [Hook(**r) for r in conn.execute(query).mappings()]

    def deactivate(self, hook_id: int) -> Hook:
        """Remove a hook: nothing more is queued, pending deliveries are dropped, and it (and
        its log) answer as not found from now on; the hook as it was removed."""
        hook = self.get(hook_id)
        with self.engine.begin() as conn:
            conn.execute(hooks_table.update().where(hooks_table.c.id == hook_id).values(
                active=False))
            conn.execute(deliveries_table.update().where(
                deliveries_table.c.webhook_id == hook_id,
                deliveries_table.c.status == "pending").values(
                status="failed", last_error="webhook removed"))
        return replace(hook, active=False)

    def enqueue(self, hook_id: int, old: int, new: int, rows: list[dict[str, Any]]) -> bool:
        """Queue deliveries and move the hook's position, atomically; False if another worker
        moved it first (then nothing is queued)."""
        now = utcnow()
        with self.engine.begin() as conn:
            moved = conn.execute(hooks_table.update().where(
                hooks_table.c.id == hook_id, hooks_table.c.position == old).values(position=new))
            if moved.rowcount != 1:
                return False  # nothing written yet in this transaction
            for row in rows:
                conn.execute(deliveries_table.insert().values(
                    webhook_id=hook_id, status="pending", attempts=0, next_attempt_at=now,
                    created_at=now, **row))
        return True

    def due(self, limit: int = 50) -> list[dict[str, Any]]:
        """Pending deliveries whose time has come and that no worker holds, oldest first."""
        now = utcnow()
        d = deliveries_table.c
        query = (sa.select(deliveries_table, hooks_table.c.url, hooks_table.c.secret)
                 .join(hooks_table, hooks_table.c.id == d.webhook_id)
                 .where(d.status == "pending", d.next_attempt_at <= now,
                        sa.or_(d.lease_until.is_(None), d.lease_until < now))
                 .order_by(d.next_attempt_at, d.id).limit(limit))
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def claim(self, delivery_id: int, seconds: float) -> bool:
        """Hold a delivery for one attempt (so two workers never send it at once)."""
        now = utcnow()
        d = deliveries_table.c
        with self.engine.begin() as conn:
            done = conn.execute(deliveries_table.update().where(
                d.id == delivery_id, d.status == "pending",
                sa.or_(d.lease_until.is_(None), d.lease_until < now)).values(
                lease_until=now + timedelta(seconds=seconds)))
            return done.rowcount == 1

    def record_attempt(self, delivery_id: int, ok: bool, status: int | None, error: str | None,
                       next_attempt_at: datetime | None) -> None:
        """Log one attempt: delivered, to be retried at next_attempt_at, or failed for good."""
        values: dict[str, Any] = {
            "attempts": deliveries_table.c.attempts + 1, "last_status": status,
            "last_error": (error or "")[:500] or None, "lease_until": None}
        if ok:
            values.update(status="delivered", delivered_at=utcnow())
        elif next_attempt_at is None:
            values.update(status="failed")
        else:
            values.update(next_attempt_at=next_attempt_at)
        with self.engine.begin() as conn:
            conn.execute(deliveries_table.update().where(
                deliveries_table.c.id == delivery_id).values(**values))

    def deliveries(self, hook_id: int | None = None, limit: int = 100,
                   offset: int = 0) -> list[dict[str, Any]]:
        """The delivery log, newest first (a page of it)."""
        d = deliveries_table.c
        query = sa.select(*(c for c in deliveries_table.c if c.name not in (
            "payload", "lease_until"))).order_by(d.id.desc()).offset(offset or None).limit(limit)
        if hook_id is not None:
            query = query.where(d.webhook_id == hook_id)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def count_deliveries(self, hook_id: int | None = None) -> int:
        """How many deliveries the log holds (for one hook)."""
        query = sa.select(sa.func.count()).select_from(deliveries_table)
        if hook_id is not None:
            query = query.where(deliveries_table.c.webhook_id == hook_id)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)
