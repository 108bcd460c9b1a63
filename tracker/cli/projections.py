"""``tracker projections run|rebuild|status``."""

from __future__ import annotations

import logging
import sys

import click

from tracker.cli import Context, handles_errors, main, pass_ctx
from tracker.cli.wiring import read_models


@main.group("projections")
def projections_group() -> None:
    """The read models built from the event stream."""


@projections_group.command("status")
@pass_ctx
@handles_errors
def status(ctx: Context) -> None:
    """Each projection's position, the head of the store, and the lag."""
    for row in read_models(ctx).status():
        click.echo(f"{row['name']:<12} position {row['position']:>9}  head {row['head']:>9}  "
                   f"lag {row['lag']:>7}")


@projections_group.command("rebuild")
@click.argument("names", nargs=-1)
@pass_ctx
@handles_errors
def rebuild(ctx: Context, names: tuple[str, ...]) -> None:
    """Drop the named projections (default: all) and replay them from zero."""
    rm = read_models(ctx)
    known = [row["name"] for row in rm.status()]
    unknown = [n for n in names if n not in known]
    if unknown:
        from tracker.cli import fail

        fail(f"Unknown projection {unknown[0]!r}; known: {', '.join(known)}")
    total = rm.head()
    with click.progressbar(length=total, label="Replaying events", show_pos=True,
                           file=sys.stderr) as bar:
        rm.rebuild(list(names) or None, progress=bar.update)
    click.echo("Rebuilt " + ", ".join(names or known))


@projections_group.command("run")
@pass_ctx
@handles_errors
def run(ctx: Context) -> None:
    """Keep the read models caught up (long-running; restarts itself after errors)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    click.echo("Projection runner started (Ctrl+C to stop)")
    try:
        read_models(ctx).run_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
