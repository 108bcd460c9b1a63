"""Decoded events as the projections see them: plain values, no aggregates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from tracker.jsonvalues import jsonable  # noqa: F401  (re-exported for the projections)

HIDDEN = ("originator_id", "originator_version", "timestamp", "originator_topic", "actor")


@dataclass(frozen=True)
class Envelope:
    """One event: where it sits in the log, who did it, when, and its own fields."""

    seq: int
    at: datetime  # naive UTC
    day: date  # the event's date in the tracker's time zone
    actor: str
    aggregate_id: str
    aggregate_type: str
    event_type: str
    version: int
    fields: dict[str, Any]
    event: Any = None  # the domain event itself (its class says what happened)
    # What projections work out from the event and share (see board_projection.apply_item).
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def data(self) -> dict[str, Any]:
        """The event's own fields as JSON values (computed once; treat as read-only)."""
        return jsonable(self.fields)


def split_topic(topic: str) -> tuple[str, str]:
    """'tracker.domain.item:WorkItem.Created' → ('WorkItem', 'Created')."""
    qualname = topic.rpartition(":")[2]
    aggregate_type, _, event_type = qualname.rpartition(".")
    return aggregate_type or qualname, event_type or qualname


def decode(app: Application[Any], notification: Notification, tz: ZoneInfo) -> Envelope:
    """Turn a stored notification into an Envelope."""
    return envelope(app.mapper.to_domain_event(notification), notification, tz)


def envelope(event: Any, notification: Notification, tz: ZoneInfo) -> Envelope:
    """The Envelope of a domain event and its notification: one read back from the store
    (``decode``), or one a command has just saved (a recording's event and notification)."""
    values = vars(event)
    stamp: datetime = values["timestamp"]
    aware = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    aggregate_type, event_type = split_topic(notification.topic)
    return Envelope(
        seq=notification.id,
        at=aware.astimezone(UTC).replace(tzinfo=None),
        day=aware.astimezone(tz).date(),
        actor=str(values.get("actor") or ""),
        aggregate_id=str(notification.originator_id),
        aggregate_type=aggregate_type,
        event_type=event_type,
        version=int(notification.originator_version),
        fields={k: v for k, v in values.items() if k not in HIDDEN},
        event=event,
    )


def as_utc(value: datetime | None) -> datetime | None:
    """A stored naive UTC datetime as an aware one."""
    return value.replace(tzinfo=UTC) if value is not None else None


def to_date(value: Any) -> date | None:
    """A date from a date or ISO text (JSON columns keep text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
