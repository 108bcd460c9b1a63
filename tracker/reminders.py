"""`tracker remind`: a Reminded event per item turning yellow or red or missing a progress
report, once per cause, and a mail to the owner when SMTP is configured."""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from tracker.application import TrackerApplication
from tracker.config import ConfigError
from tracker.domain import WorkItem
from tracker.domain.status import WORKING, Light, light
from tracker.permissions import Actor

MAIL_TIMEOUT = 30
SUBJECT = {"red": "Overdue 已逾期", "yellow": "Due soon 即将到期",
           "report": "Progress report missed 未按时反馈进展"}


@dataclass(frozen=True)
class Reminder:
    """One recorded reminder: which item, whose, and why."""

    item_id: str
    title: str
    owner: str
    cause: str
    due: date

    @property
    def kind(self) -> str:
        return self.cause.split(":", 1)[0]


@dataclass
class Outcome:
    """What a run did: reminders recorded, mails sent, and mails that could not be sent."""

    recorded: list[Reminder] = field(default_factory=list)
    mailed: int = 0
    not_mailed: list[tuple[Reminder, str]] = field(default_factory=list)


def causes(item: WorkItem, today: date, yellow_days: int) -> list[str]:
    """The causes for a reminder today: red / yellow with the due date, or a missed report."""
    if item.status not in WORKING:  # submitted: the owner has nothing left to do
        return []
    found = []
    colour = light(item.status, item.due, today, yellow_days)  # the board's rule, by due date
    if colour in (Light.RED, Light.YELLOW):
        found.append(f"{colour}:{item.due.isoformat()}")
    cadence = item.report_every_days
    if cadence:
        anchor = item.last_report_on or item.created_on.date()
        passed = ((today - anchor).days - 1) // cadence  # report deadlines already missed
        if passed >= 1:
            found.append(f"report:{(anchor + timedelta(days=passed * cadence)).isoformat()}")
    return found


def remind(app: TrackerApplication, actor: Actor, yellow_days: int,
           send: Callable[[Reminder], None] | None = None) -> Outcome:
    """Record every reminder due today (never twice for a cause), then mail each once."""
    outcome = Outcome()
    today = app.today()
    for item_id in app.list_item_ids():
        item = app.get_item(item_id)
        for cause in causes(item, today, yellow_days):
            if app.record_reminder(actor, item_id, cause=cause, due=item.due) is None:
                continue
            item = app.get_item(item_id)
            outcome.recorded.append(Reminder(str(item_id), item.title, item.owner, cause,
                                             item.due))
    for reminder in outcome.recorded if send else []:
        try:
            send(reminder)  # type: ignore[misc]
            outcome.mailed += 1
        except (OSError, smtplib.SMTPException, LookupError) as e:
            outcome.not_mailed.append((reminder, str(e) or type(e).__name__))
    return outcome


def message(reminder: Reminder, sender: str, to: str) -> EmailMessage:
    """The reminder mail (English and Chinese: it is read outside the web interface)."""
    msg = EmailMessage()
    msg["From"], msg["To"] = sender, to
    msg["Subject"] = f"[tracker] {SUBJECT.get(reminder.kind, reminder.kind)}: {reminder.title}"
    msg.set_content(
        f"{reminder.title}\n\nDue 办结时限: {reminder.due.isoformat()}\n"
        f"Reason 原因: {reminder.cause}\n")
    return msg


def mailer(smtp_url: str, sender: str,
           address_of: Callable[[str], str | None]) -> Callable[[Reminder], None]:
    """A function that mails a reminder to its owner through the SMTP server of the URL."""
    parts = urlsplit(smtp_url)
    host = parts.hostname
    if parts.scheme not in ("smtp", "smtps") or not host:
        raise ConfigError(f"TRACKER_SMTP_URL must look like smtp://host:port, not {smtp_url!r}")

    def send(reminder: Reminder) -> None:
        to = address_of(reminder.owner)
        if not to:
            raise LookupError(f"no mail address for {reminder.owner}")
        cls = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
        default = 465 if parts.scheme == "smtps" else 25
        with cls(host, parts.port or default, timeout=MAIL_TIMEOUT) as smtp:
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
            smtp.send_message(message(reminder, sender, to))

    return send
