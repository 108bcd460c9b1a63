"""``tracker evidence verify [--item ID]``: each evidence file against its recorded hash."""

from __future__ import annotations

import sys

import click

from tracker.cli import Context, handles_errors, main, pass_ctx
from tracker.evidence import EvidenceStore, recorded_files, verify_recorded


def evidence_store(ctx: Context) -> EvidenceStore:
    """The evidence folder of the context's instance, with its configured size limit."""
    return EvidenceStore(ctx.settings.evidence_folder, ctx.settings.evidence_max_bytes)


@main.group()
def evidence() -> None:
    """Evidence files attached to items."""


@evidence.command("verify")
@click.option("--item", "item", metavar="ID", help="Only this item's files (its id).")
@pass_ctx
@handles_errors
def verify(ctx: Context, item: str | None) -> None:
    """Recompute each stored file's SHA-256 and compare it with the hash its event records.

    Names every changed or missing file; exits 1 when there is any, 0 when all match.
    """
    uid = ctx.app.get_item(item).id if item is not None else None
    results = verify_recorded(evidence_store(ctx), recorded_files(ctx.app, uid))
    bad = [(r, c) for r, c in results if not c.ok]
    for r, check in bad:
        click.echo(f"{check.problem}: item {r.item_id}, {r.name} (sha256 {r.sha256})")
    distinct = len({r.sha256 for r, _ in results})
    if bad:
        click.echo(f"{len(bad)} of {len(results)} recorded files do not match their hash.",
                   err=True)
        sys.exit(1)
    click.echo(f"OK: {len(results)} recorded files ({distinct} distinct) match their hashes.")
