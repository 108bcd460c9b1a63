"""Per-person iCalendar feed (RFC 5545, hand-written) of due dates, and its private token."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tracker.domain.status import Status

PRODID = "-//accountability-tracker//due dates//EN"


def feed_token(secret: str, person: str) -> str:
    """The private token of a person's feed: an HMAC of the person key with the app secret."""
    mac = hmac.new(secret.encode("utf-8"), f"calendar:{person}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def token_matches(secret: str, person: str, token: str) -> bool:
    """Compare a presented token in constant time."""
    return hmac.compare_digest(feed_token(secret, person), token)


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (§3.1)."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def calendar(name: str, items: Iterable[Mapping[str, Any]], now: datetime | None = None) -> str:
    """A VCALENDAR with one all-day VEVENT per item on its due date (id, title, due, status)."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(name)}"]
    for item in items:
        due: date = item["due"]
        lines += ["BEGIN:VEVENT", f"UID:{item['id']}@tracker", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{due:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{due + timedelta(days=1):%Y%m%d}",
                  f"SUMMARY:{escape(item['title'])}",
                  f"STATUS:{'CANCELLED' if item['status'] == Status.CANCELLED else 'CONFIRMED'}",
                  f"DESCRIPTION:{escape(item.get('description') or '')}", "TRANSP:TRANSPARENT",
                  "END:VEVENT"]
        if item.get("url"):
            lines.insert(-1, f"URL:{item['url']}")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
