"""Reminder mail in the recipient's language: a readable reason and a link to the item."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from email.message import EmailMessage
from gettext import NullTranslations

from babel.dates import format_date

from tracker.errors import N_
from tracker.outbox import Mail

ITEM_PATH = "/items/{item_id}"  # the item page (web/items), checked by tests/test_mail_outbox
SUBJECTS = {"yellow": N_("Due soon: %(title)s"), "red": N_("Overdue: %(title)s"),
            "report": N_("Progress report missed: %(title)s")}
REASONS = {"yellow": N_("It is due on %(date)s."),
           "red": N_("It was due on %(date)s and is not finished yet."),
           "report": N_("A progress report was due on %(date)s and none has been made since.")}


def item_link(base_url: str, item_id: str) -> str:
    """The absolute address of an item's page."""
    return base_url.rstrip("/") + ITEM_PATH.format(item_id=item_id)


def composer(sender: str, base_url: str, default_language: str,
             translations: Callable[[str], NullTranslations],
             name_of: Callable[[str], str]) -> Callable[[Mail, str, str | None], EmailMessage]:
    """A function writing a queued reminder as a mail to an address, in a language (or the
    default one)."""

    def compose(mail: Mail, to: str, language: str | None) -> EmailMessage:
        lang = language or default_language
        _ = translations(lang).gettext
        p = mail.payload
        kind, _sep, when = str(p["cause"]).partition(":")
        try:
            day = format_date(date.fromisoformat(when or p["due"]), format="long", locale=lang)
        except ValueError:
            day = when
        title = str(p["title"])
        msg = EmailMessage()
        msg["From"], msg["To"] = sender, to
        msg["Subject"] = _(SUBJECTS.get(kind, SUBJECTS["red"])) % {"title": title}
        lines = [_("Dear %(name)s,") % {"name": name_of(mail.person)}, "",
                 _("This is a reminder about the work item “%(title)s”.") % {"title": title},
                 _(REASONS.get(kind, REASONS["red"])) % {"date": day}, "",
                 _("Open the item: %(url)s") % {"url": item_link(base_url, p["item_id"])},
                 "", _("Sent by the accountability tracker.")]
        msg.set_content("\n".join(lines) + "\n")
        return msg

    return compose
