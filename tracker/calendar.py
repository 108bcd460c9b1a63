"""Per-person iCalendar feed (RFC 5545, built with `icalendar`) of due dates, and its token.

One all-day event per open item on its due date, with alarms before it, overdue items marked,
and SEQUENCE / LAST-MODIFIED so calendar apps replace an event when the item changes.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar

from tracker.domain.status import OPEN_STATUSES, Status

PRODID = "-//accountability-tracker//due dates//EN"
ALARM_HOUR = 9  # alarms ring at 09:00 on the day they are due


def feed_token(secret: str, person: str) -> str:
    """The private token of a person's feed: an HMAC of the person key with the app secret."""
    mac = hmac.new(secret.encode("utf-8"), f"calendar:{person}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def token_matches(secret: str, person: str, token: str) -> bool:
    """Compare a presented token in constant time."""
    return hmac.compare_digest(feed_token(secret, person), token)


def alarm_triggers(yellow_days: int) -> list[timedelta]:
    """When alarms ring, relative to the start of the due day: the day the item turns
    yellow and the day before it is due, each at ALARM_HOUR."""
    days = sorted({max(yellow_days, 1), 1}, reverse=True)
    return [-(timedelta(days=d) - timedelta(hours=ALARM_HOUR)) for d in days]


def _event(item: Mapping[str, Any], today: date, yellow_days: int, overdue_label: str,
           overdue_title: str, stamp: datetime) -> icalendar.Event:
    due: date = item["due"]
    overdue = item["status"] in OPEN_STATUSES and due < today
    event = icalendar.Event()
    event.add("uid", f"{item['id']}@tracker")
    event.add("dtstamp", stamp)
    event.add("dtstart", due)
    event.add("dtend", due + timedelta(days=1))
    event.add("summary", overdue_title % {"title": item["title"]} if overdue else item["title"])
    event.add("description", item.get("description") or "")
    event.add("status", "CANCELLED" if item["status"] == Status.CANCELLED else "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    event.add("sequence", int(item.get("version") or 0))
    if item.get("last_activity"):
        event.add("last-modified", item["last_activity"].astimezone(UTC))
    if item.get("url"):
        event.add("url", item["url"])
    if overdue:
        event.add("categories", [overdue_label])
        event.add("priority", 1)
        event.add("color", "red")
        return event
    for trigger in alarm_triggers(yellow_days):
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", item["title"])
        alarm.add("trigger", trigger)
        event.add_component(alarm)
    return event


def calendar(name: str, items: Iterable[Mapping[str, Any]], *, today: date,
             yellow_days: int = 3, overdue_label: str = "Overdue",
             overdue_title: str = "Overdue: %(title)s", now: datetime | None = None) -> bytes:
    """A VCALENDAR with one all-day VEVENT per item (id, title, due, status, version, …)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    for item in items:
        cal.add_component(_event(item, today, yellow_days, overdue_label, overdue_title, stamp))
    return cal.to_ical()
