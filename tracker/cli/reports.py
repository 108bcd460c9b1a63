"""``tracker export ledger`` and ``tracker export review`` (``tracker remind``: cli/mail.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from tracker.cli import Context, fail, handles_errors, main, pass_ctx
from tracker.cli.audit import export
from tracker.grading import CRITERIA, parse_scores
from tracker.permissions import SYSTEM


def _as_of(value: str | None) -> date | None:
    from projections.reports.data import parse_as_of

    return parse_as_of(value)


def _write(ctx: Context, document: object, fmt: str, output: Path) -> None:
    from projections.reports.export import write

    try:
        write(document, fmt, str(output))  # type: ignore[arg-type]
    except OSError as e:
        fail(f"Cannot write {output}: {e.strerror}")


LANG = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                    help="The document's language.")


@export.command("ledger")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "docx", "pdf"]),
              default="xlsx", show_default=True)
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--plan", help="Only this plan's items.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="The ledger as it stood that day.")
@click.option("--basis", type=click.Choice(["effect", "recorded"]), default="effect",
              show_default=True, help="As in effect (facts by the day they took effect) or as "
              "recorded (what the tracker knew at the end of that day).")
@LANG
@pass_ctx
@handles_errors
def export_ledger(ctx: Context, fmt: str, output: Path, plan: str | None,
                  as_of: str | None, basis: str, lang: str) -> None:
    """The responsibility ledger of every person (people by rank)."""
    from projections.reports.data import leaders
    from projections.reports.i18n import lang as language
    from projections.reports.review_paper import ledger_paper
    from tracker.cli.wiring import queries

    report = leaders(queries(ctx), plan, _as_of(as_of), basis=basis)
    _write(ctx, ledger_paper(language(lang), report), fmt, output)
    src = report["source"]
    click.echo(f"{len(report['rows'])} people; event {src['seq']}, chain head {src['chain_head']}")


@export.command("review")
@click.option("--format", "fmt", type=click.Choice(["docx", "xlsx", "pdf"]), default="docx",
              show_default=True)
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--plan", required=True, help="The plan to review.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="The review as it stood that day.")
@click.option("--basis", type=click.Choice(["effect", "recorded"]), default="effect",
              show_default=True, help="As in effect (facts by the day they took effect) or as "
              "recorded (what the tracker knew at the end of that day).")
@LANG
@pass_ctx
@handles_errors
def export_review(ctx: Context, fmt: str, output: Path, plan: str, as_of: str | None,
                  basis: str, lang: str) -> None:
    """The final review 总结考评 of a plan: progress, ledgers, grades, movement, exceptions."""
    from projections.reports.data import review
    from projections.reports.i18n import lang as language
    from projections.reports.review_paper import review_paper
    from tracker.cli.wiring import queries

    report = review(queries(ctx), plan, _as_of(as_of), basis=basis)
    _write(ctx, review_paper(language(lang), report), fmt, output)
    src = report["source"]
    click.echo(f"Review of {plan}; event {src['seq']}, chain head {src['chain_head']}")


@export.command("items")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "docx", "pdf", "csv"]),
              default="xlsx", show_default=True)
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--plan", help="The plan (default: the only or latest plan).")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="The register as it stood that day.")
@click.option("--unit", help="Only items this unit leads or supports (unit key).")
@click.option("--leader", help="Only items whose responsible leader is this person (key).")
@click.option("--owner", help="Only items this person is responsible for (key).")
@click.option("--light", type=click.Choice(["red", "yellow", "green"]), help="Only this light.")
@click.option("--group", type=click.Choice(["goal", "unit"]), help="Group by goal or lead unit.")
@LANG
@pass_ctx
@handles_errors
def export_items(ctx: Context, fmt: str, output: Path, plan: str | None, as_of: str | None,
                 unit: str | None, leader: str | None, owner: str | None, light: str | None,
                 group: str | None, lang: str) -> None:
    """The work register 工作台账: every item with its people, deadline, progress and light."""
    from projections.reports.i18n import lang as language
    from projections.reports.register import register, register_paper
    from tracker.cli.wiring import queries

    q = queries(ctx)
    if plan is None:
        plans = q.list_plans()
        if not plans:
            fail("There is no plan yet.")
        plan = plans[-1]["key"]
    report = register(q, plan, _as_of(as_of), unit=unit, leader=leader, owner=owner,
                      light=light, group=group)
    _write(ctx, register_paper(language(lang), report), fmt, output)
    src = report["source"]
    click.echo(f"{len(report['items'])} items; event {src['seq']}, chain head {src['chain_head']}")


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
        self_scores=parse_scores(own, "scores.self"),
        superior_scores=parse_scores(superior, "scores.superior"))
    read_models(ctx).catch_up()
    assessed = ctx.app.get_unit(unit)
    click.echo(f"{unit} assessed as {label}: {assessed.grade} (version {result.version})")


@units.command("grading")
@click.option("--plan", required=True, help="The plan whose weights to set.")
@click.option("--self", "own", required=True, type=int, help="Self-assessment weight (%).")
@click.option("--superior", required=True, type=int, help="Superior assessment weight (%).")
@click.option("--advanced", type=float, help="Lowest score of advanced (default 90).")
@click.option("--good", type=float, help="Lowest score of good (default 75).")
@click.option("--average", type=float, help="Lowest score of average (default 60).")
@pass_ctx
@handles_errors
def units_grading(ctx: Context, plan: str, own: int, superior: int, advanced: float | None,
                  good: float | None, average: float | None) -> None:
    """Set the plan's weights of self and superior assessment (whole percents, sum 100) and,
    with --advanced/--good/--average (all three), the grades' lowest scores."""
    from tracker.cli.wiring import read_models

    floors = {"advanced": advanced, "good": good, "average": average}
    given = {k: v for k, v in floors.items() if v is not None}
    ctx.app.set_grading(SYSTEM, plan, self_weight=own, superior_weight=superior,
                        thresholds=floors if given else None)
    read_models(ctx).catch_up()
    click.echo(f"Plan {plan}: self {own} %, superior {superior} %")


@export.command("bulletin")
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf", "xlsx"]), default="docx",
              show_default=True)
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--plan", required=True, help="The plan.")
@click.option("--from", "start", required=True, metavar="YYYY-MM-DD", help="First day.")
@click.option("--to", "end", required=True, metavar="YYYY-MM-DD", help="Last day.")
@LANG
@pass_ctx
@handles_errors
def export_bulletin(ctx: Context, fmt: str, output: Path, plan: str, start: str, end: str,
                    lang: str) -> None:
    """The bulletin 通报 of a period: lights, completions, overdue items, rankings."""
    from projections.reports.bulletin import bulletin, bulletin_paper
    from projections.reports.i18n import lang as language
    from tracker.cli.wiring import queries

    first, last = _as_of(start), _as_of(end)
    assert first is not None and last is not None  # required options
    report = bulletin(queries(ctx), plan, first, last)
    _write(ctx, bulletin_paper(language(lang), report), fmt, output)
    click.echo(f"Bulletin of {plan}: {len(report['done_in'])} done, {len(report['newly'])} "
               f"newly overdue, {len(report['still'])} still overdue")
