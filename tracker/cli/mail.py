"""``tracker remind``, ``tracker outbox [send]`` and ``tracker people contact``: mail that is
queued, retried and never lost."""

from __future__ import annotations

import sys
from collections.abc import Callable
from email.message import EmailMessage
from functools import cache
from gettext import NullTranslations
from importlib.resources import files

import click

from tracker.cli import Context, handles_errors, main, pass_ctx
from tracker.errors import TrackerError
from tracker.outbox import Delivery, Mail, Outbox, deliver
from tracker.permissions import SYSTEM
from tracker.storage import parse_database_url, sql_engine


def outbox_of(ctx: Context) -> Outbox:
    """The outbox over the context's database (its table created when missing)."""
    cached = getattr(ctx, "_outbox", None)
    if cached is None:
        engine = sql_engine(parse_database_url(ctx.settings.database_url))
        cached = Outbox(engine)
        cached.create_tables()
        ctx._outbox = cached  # type: ignore[attr-defined]
        click.get_current_context().call_on_close(engine.dispose)
    return cached


@cache
def _translations(language: str) -> NullTranslations:
    from babel.support import Translations

    folder = str(files("web") / "translations")
    return Translations.load(dirname=folder, locales=[language], domain="messages")


def sender(ctx: Context) -> Callable[[Mail], str]:
    """Sends a queued mail to its person's own address, in their language."""
    from tracker.mailtext import composer
    from tracker.reminders import mailer

    settings = ctx.settings
    assert settings.smtp_url

    @cache
    def person(key: str) -> tuple[str, str | None, str | None]:
        try:
            p = ctx.app.get_person(key)
        except TrackerError:
            return key, None, None
        return p.name, p.email, p.language

    compose: Callable[[Mail, str, str | None], EmailMessage] = composer(
        settings.mail_from, settings.base_url, settings.mail_language, _translations,
        lambda key: person(key)[0])
    return mailer(settings.smtp_url, lambda key: person(key)[1:], compose)


def _report(ctx: Context, delivery: Delivery) -> bool:
    """Print what a delivery run did; True when every mail tried went out."""
    for mail, why in delivery.failed:
        click.echo(f"Not sent yet ({mail.key}, attempt {mail.attempts + 1}, kept for a later "
                   f"run): {why}", err=True)
    for mail, why in delivery.given_up:
        click.echo(f"GIVEN UP after {mail.attempts + 1} attempts ({mail.key}): {why}", err=True)
    return not delivery.failed and not delivery.given_up


@main.command()
@pass_ctx
@handles_errors
def remind(ctx: Context) -> None:
    """Record reminders for items turning yellow or red or missing reports; mail the owners.

    Exits 1 when a mail could not be sent; it stays in the outbox for the next run."""
    from tracker.cli.wiring import read_models
    from tracker.reminders import queue_mail
    from tracker.reminders import remind as run

    settings = ctx.settings
    outcome = run(ctx.app, SYSTEM, settings.yellow_days)
    read_models(ctx).catch_up()
    for reminder in outcome.recorded:
        click.echo(f"{reminder.cause}\t{reminder.owner}\t{reminder.title}")
    if not settings.smtp_url:
        click.echo(f"{len(outcome.recorded)} reminders recorded "
                   "(TRACKER_SMTP_URL not set: no mail).")
        return
    outbox = outbox_of(ctx)
    queued = queue_mail(outbox, outcome.current)
    delivery = deliver(outbox, sender(ctx), all_pending=True)  # an explicit run tries them all
    click.echo(f"{len(outcome.recorded)} reminders recorded, {queued} mails queued, "
               f"{len(delivery.sent)} mailed.")
    if not _report(ctx, delivery):
        sys.exit(1)


@main.group(invoke_without_command=True)
@click.pass_context
def outbox(click_ctx: click.Context) -> None:
    """The mail outbox: what was sent, what waits for a retry, what was given up."""
    if click_ctx.invoked_subcommand is not None:
        return
    ctx: Context = click_ctx.obj
    box = outbox_of(ctx)
    names: dict[str, str] = {}
    for mail in box.list():
        if mail.person not in names:
            try:
                names[mail.person] = ctx.app.get_person(mail.person).name
            except TrackerError:
                names[mail.person] = mail.person
        when = (mail.sent_at or mail.next_attempt_at).strftime("%Y-%m-%d %H:%M")
        click.echo("\t".join([mail.status, when, str(mail.attempts), names[mail.person],
                              mail.sent_to or "", str(mail.payload.get("title", "")),
                              mail.last_error or ""]))
    counts = box.counts()
    click.echo(f"{counts['pending']} pending, {counts['sent']} sent, {counts['failed']} given up.")


@outbox.command("send")
@click.option("--all", "all_pending", is_flag=True, help="Also mails still waiting out a back-off.")
@pass_ctx
@handles_errors
def outbox_send(ctx: Context, all_pending: bool) -> None:
    """Send the mails whose back-off has passed (run it from cron); exit 1 if any failed."""
    if not ctx.settings.smtp_url:
        click.echo("TRACKER_SMTP_URL is not set: nothing can be sent.", err=True)
        sys.exit(2)
    delivery = deliver(outbox_of(ctx), sender(ctx), all_pending=all_pending)
    click.echo(f"{len(delivery.sent)} mailed.")
    if not _report(ctx, delivery):
        sys.exit(1)


@main.group()
def people() -> None:
    """People's own mail addresses."""


@people.command("contact")
@click.argument("person")
@click.option("--email", required=True, help="The person's mail address ('' clears it).")
@click.option("--language", type=click.Choice(["zh_Hans_CN", "en"]),
              help="The language of their mail (default: TRACKER_MAIL_LANGUAGE).")
@pass_ctx
@handles_errors
def people_contact(ctx: Context, person: str, email: str, language: str | None) -> None:
    """Set where a person's reminders go."""
    from tracker.cli.wiring import read_models

    result = ctx.app.set_person_contact(SYSTEM, person, email=email or None, language=language)
    read_models(ctx).catch_up()
    click.echo("Unchanged." if result is None else f"{person}: {email or '(no address)'}")
