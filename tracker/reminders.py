"""`tracker remind`: a Reminded event per item turning yellow or red or missing a progress
report, once per cause, and a mail to the owner queued in the outbox when SMTP is configured."""

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
from tracker.outbox import Mail, MailError, Outbox
from tracker.permissions import Actor

MAIL_TIMEOUT = 30


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
    """What a run did: reminders recorded now, and every reminder in force today."""

    recorded: list[Reminder] = field(default_factory=list)
    current: list[Reminder] = field(default_factory=list)


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


def remind(app: TrackerApplication, actor: Actor, yellow_days: int) -> Outcome:
    """Record every reminder due today (never twice for a cause); list every current one."""
    outcome = Outcome()
    today = app.today()
    for item_id in app.list_item_ids():
        item = app.get_item(item_id)
        for cause in causes(item, today, yellow_days):
            recorded = app.record_reminder(actor, item_id, cause=cause, due=item.due) is not None
            if recorded:
                item = app.get_item(item_id)
            reminder = Reminder(str(item_id), item.title, item.owner, cause, item.due)
            if recorded:
                outcome.recorded.append(reminder)
            outcome.current.append(reminder)
    return outcome


def queue_mail(outbox: Outbox, reminders: list[Reminder]) -> int:
    """Queue one mail per reminder (once ever per item and cause); return how many are new."""
    return sum(outbox.enqueue(f"reminder:{r.item_id}:{r.cause}", "reminder", r.owner,
                              {"item_id": r.item_id, "title": r.title, "cause": r.cause,
                               "due": r.due.isoformat()})
               for r in reminders)


def mailer(smtp_url: str, contact_of: Callable[[str], tuple[str | None, str | None]],
           compose: Callable[[Mail, str, str | None], EmailMessage]) -> Callable[[Mail], str]:
    """A function that sends a queued mail to its person through the SMTP server of the URL
    and returns the address, or raises MailError."""
    parts = urlsplit(smtp_url)
    host = parts.hostname
    if parts.scheme not in ("smtp", "smtps") or not host:
        raise ConfigError(f"TRACKER_SMTP_URL must look like smtp://host:port, not {smtp_url!r}")

    def send(mail: Mail) -> str:
        to, language = contact_of(mail.person)
        if not to:
            raise MailError(f"{mail.person} has no mail address", "no_address")
        cls = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
        default = 465 if parts.scheme == "smtps" else 25
        try:
            with cls(host, parts.port or default, timeout=MAIL_TIMEOUT) as smtp:
                if parts.username:
                    smtp.login(unquote(parts.username), unquote(parts.password or ""))
                smtp.send_message(compose(mail, to, language))
        except (OSError, smtplib.SMTPException) as e:
            raise MailError(f"{host}:{parts.port or default}: {e or type(e).__name__}") from e
        return to

    return send
