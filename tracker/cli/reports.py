"""``tracker remind``, ``tracker export ledger`` and ``tracker export review``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import click

from tracker.cli import Context, fail, handles_errors, main, pass_ctx
from tracker.cli.audit import export
from tracker.grading import CRITERIA, parse_scores
from tracker.permissions import SYSTEM


def _address_lookup(ctx: Context) -> Callable[[str], str | None] | None:
    """Owner → mail address: the login of an active account linked to the person, if it is
    a mail address; None when there are no accounts."""
    try:
        from tracker.cli.users import accounts_of
    except ImportError:
        return None
    by_person = {u.person: u.login for u in accounts_of(ctx).list()
                 if u.active and u.person and "@" in u.login}
    return by_person.get


@main.command()
@pass_ctx
@handles_errors
def remind(ctx: Context) -> None:
    """Record reminders for items turning yellow or red or missing reports; mail the owners."""
    from tracker.cli.wiring import read_models
    from tracker.reminders import mailer
    from tracker.reminders import remind as run

    settings = ctx.settings
    send = None
    if settings.smtp_url:
        lookup = _address_lookup(ctx)
        if lookup is None:
            click.echo("No accounts: reminders are recorded but not mailed.", err=True)
        else:
            send = mailer(settings.smtp_url, settings.mail_from, lookup)
    outcome = run(ctx.app, SYSTEM, settings.yellow_days, send)
    read_models(ctx).catch_up()
    for reminder in outcome.recorded:
        click.echo(f"{reminder.cause}\t{reminder.owner}\t{reminder.title}")
    for reminder, why in outcome.not_mailed:
        click.echo(f"Not mailed to {reminder.owner} ({reminder.cause}): {why}", err=True)
    mail_note = f", {outcome.mailed} mailed" if send else " (TRACKER_SMTP_URL not set: no mail)"
    click.echo(f"{len(outcome.recorded)} reminders recorded{mail_note}.")


def _as_of(value: str | None) -> date | None:
    from web.reports.data import parse_as_of

    return parse_as_of(value)


@export.command("ledger")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "docx"]), default="xlsx",
              show_default=True)
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--plan", help="Only this plan's items.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="The ledger as it stood that day.")
@click.option("--basis", type=click.Choice(["effect", "recorded"]), default="effect",
              show_default=True, help="As in effect (facts by the day they took effect) or as "
              "recorded (what the tracker knew at the end of that day).")
@pass_ctx
@handles_errors
def export_ledger(ctx: Context, fmt: str, output: Path, plan: str | None,
                  as_of: str | None, basis: str) -> None:
    """The responsibility ledger of every person."""
    from tracker.auditchain import write_csv
    from tracker.cli.wiring import queries
    from web.reports.data import leaders
    from web.reports.exports import LEDGER_KEYS, ledger_export

    report = leaders(queries(ctx), plan, _as_of(as_of), basis=basis)
    try:
        if fmt == "csv":
            with output.open("w", encoding="utf-8", newline="") as fp:
                write_csv(fp, LEDGER_KEYS, report["rows"])
        else:
            ledger_export(report, fmt, str(output))
    except OSError as e:
        fail(f"Cannot write {output}: {e.strerror}")
    src = report["source"]
    click.echo(f"{len(report['rows'])} people; event {src['seq']}, chain head {src['chain_head']}")


@export.command("review")
@click.option("--format", "fmt", type=click.Choice(["docx", "xlsx"]), default="docx",
              show_default=True)
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--plan", required=True, help="The plan to review.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="The review as it stood that day.")
@click.option("--basis", type=click.Choice(["effect", "recorded"]), default="effect",
              show_default=True, help="As in effect (facts by the day they took effect) or as "
              "recorded (what the tracker knew at the end of that day).")
@pass_ctx
@handles_errors
def export_review(ctx: Context, fmt: str, output: Path, plan: str, as_of: str | None,
                  basis: str) -> None:
    """The final review 总结考评 of a plan: progress, ledgers, grades, movement, exceptions."""
    from tracker.cli.wiring import queries
    from web.reports.data import review
    from web.reports.exports import review_export

    report = review(queries(ctx), plan, _as_of(as_of), basis=basis)
    try:
        review_export(report, fmt, str(output))
    except OSError as e:
        fail(f"Cannot write {output}: {e.strerror}")
    src = report["source"]
    click.echo(f"Review of {plan}; event {src['seq']}, chain head {src['chain_head']}")


@main.group()
def units() -> None:
    """Units: assessments 分类定级 and the plan's grading weights."""


@units.command("assess")
@click.argument("unit")
@click.option("--plan", required=True, help="The plan the assessment belongs to.")
@click.option("--label", required=True, help="The assessment's name, e.g. '2012 first half'.")
@click.option("--self", "own", required=True, metavar="S1,S2,S3,S4,S5",
              help="Self-assessment scores 0–100 on " + ", ".join(CRITERIA) + ".")
@click.option("--superior", required=True, metavar="S1,S2,S3,S4,S5",
              help="Superior assessment scores, in the same order.")
@click.option("--on", metavar="YYYY-MM-DD", help="The assessment date (default today).")
@pass_ctx
@handles_errors
def units_assess(ctx: Context, unit: str, plan: str, label: str, own: str, superior: str,
                 on: str | None) -> None:
    """Record an assessment of UNIT: five scores each from self and superior assessment."""
    from tracker.cli.wiring import read_models

    result = ctx.app.assess_unit(
        SYSTEM, unit, plan, label=label, on=_as_of(on),
        self_scores=parse_scores(own, "self-assessment"),
        superior_scores=parse_scores(superior, "superior assessment"))
    read_models(ctx).catch_up()
    assessed = ctx.app.get_unit(unit)
    click.echo(f"{unit} assessed as {label}: {assessed.grade} (version {result.version})")


@units.command("grading")
@click.option("--plan", required=True, help="The plan whose weights to set.")
@click.option("--self", "own", required=True, type=int, help="Self-assessment weight (%).")
@click.option("--superior", required=True, type=int, help="Superior assessment weight (%).")
@pass_ctx
@handles_errors
def units_grading(ctx: Context, plan: str, own: int, superior: int) -> None:
    """Set the plan's weights of self and superior assessment (whole percents, sum 100)."""
    from tracker.cli.wiring import read_models

    ctx.app.set_grading(SYSTEM, plan, self_weight=own, superior_weight=superior)
    read_models(ctx).catch_up()
    click.echo(f"Plan {plan}: self {own} %, superior {superior} %")
