"""Core commands: init, import, demo, items list."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from tracker.cli import Context, handles_errors, main, pass_ctx
from tracker.demo import demo_plan, load_demo
from tracker.domain.status import STATUSES
from tracker.importer import import_plan
from tracker.permissions import SYSTEM
from tracker.planfile import parse_plan_file
from tracker.tasksheet import SheetOptions, is_workbook, read_task_sheet

STATUS_CHOICES = click.Choice([s.value for s in STATUSES])


@main.command()
@pass_ctx
@handles_errors
def init(ctx: Context) -> None:
    """Create the schema (event store and read models)."""
    _ = ctx.app  # building the application creates the event store's tables
    from tracker.cli.wiring import read_models

    read_models(ctx).create_tables()
    click.echo(f"Initialised {ctx.settings.database_url}")


@main.command("import")
@click.argument("plan_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--update-directory", is_flag=True,
              help="Let the file rename or re-role existing people and units (recorded as events).")
@click.option("--key", help="Task sheet: the plan's key (else from the sheet 方案 / Plan).")
@click.option("--title", help="Task sheet: the plan's title.")
@click.option("--starts", type=click.DateTime(["%Y-%m-%d"]), help="Task sheet: first day.")
@click.option("--ends", type=click.DateTime(["%Y-%m-%d"]), help="Task sheet: last day.")
@pass_ctx
@handles_errors
def import_(ctx: Context, plan_file: Path, update_directory: bool, key: str | None,
            title: str | None, starts: datetime | None, ends: datetime | None) -> None:
    """Import a plan file (YAML or JSON) or a task sheet (XLSX); importing it again writes
    nothing."""
    try:
        data = plan_file.read_bytes()
    except OSError as e:
        from tracker.cli import fail

        fail(f"Cannot read {plan_file}: {e.strerror}")
        return
    if is_workbook(data):
        from tracker.cli.wiring import queries

        q = queries(ctx)
        options = SheetOptions(key, title, starts.date() if starts else None,
                               ends.date() if ends else None)
        pf = read_task_sheet(data, options, {p["name"]: p["key"] for p in q.people()},
                             {u["name"]: u["key"] for u in q.unit_list()})
    else:
        pf = parse_plan_file(data)
    result = import_plan(ctx.app, pf, SYSTEM, update_directory=update_directory)
    click.echo(
        f"Plan {result.plan_key}: {result.events} events written "
        f"({result.aggregates} aggregates changed)."
    )


def demo_title(ctx: Context) -> str:
    """The demo plan's title (people know it by its title, not its key)."""
    return str(ctx.app.get_plan(demo_plan(ctx.app.today()).plan.key).title)


@main.command()
@pass_ctx
@handles_errors
def demo(ctx: Context) -> None:
    """Load the source plan as demo data, with a realistic history (once)."""
    result = load_demo(ctx.app)
    if result is None:
        click.echo(f"The demo plan “{demo_title(ctx)}” is already loaded (demo data).")
    elif result.simulated:
        click.echo(f"Demo plan “{demo_title(ctx)}” loaded: DEMO DATA, {result.events} "
                   f"events recorded on a simulated clock from {result.first_day} to "
                   f"{result.last_day}.")
    else:
        click.echo(f"Demo plan “{demo_title(ctx)}” loaded: DEMO DATA, {result.events} "
                   "events recorded now (the store was not empty, so no simulated clock).")
    from tracker.cli.wiring import after_demo

    after_demo(ctx)


@main.group()
def items() -> None:
    """Work items."""


@items.command("list")
@click.option("--plan", help="Only this plan (key).")
@click.option("--owner", help="Only items owned by this person (key).")
@click.option("--unit", help="Only items led or supported by this unit (key).")
@click.option("--status", type=STATUS_CHOICES, help="Only items in this status.")
@pass_ctx
@handles_errors
def items_list(
    ctx: Context, plan: str | None, owner: str | None, unit: str | None, status: str | None
) -> None:
    """A table of work items with owner, units, due date, status and light."""
    from tracker.cli.wiring import queries

    rows = queries(ctx).board(plan, owner=owner, unit=unit, status=status, include_cancelled=True)
    header = ("due", "status", "light", "owner", "lead unit", "title")
    table = [
        (
            str(r["due"]),
            r["status"],
            r["light"] or "-",
            r["owner_name"] or r["owner"],
            r["lead_unit_name"] or r["lead_unit"],
            r["title"],
        )
        for r in rows
    ]
    widths = [max([_width(h)] + [_width(row[i]) for row in table]) for i, h in enumerate(header)]
    for row in [header, *table]:
        click.echo("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
    click.echo(f"{len(table)} items")


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
