"""``tracker audit verify|key`` and ``tracker export audit``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tracker.auditchain import (
    ChainWriter,
    public_key_argument,
    verify_file,
    write_csv,
    write_xlsx,
)
from tracker.auditexport import (
    CHAINED_COLUMNS,
    audit_members,
    audit_records,
    chained,
    check_stored_chain,
)
from tracker.auditsign import load_signer
from tracker.cli import Context, fail, handles_errors, main, pass_ctx


@main.group()
def audit() -> None:
    """The audit trail."""


@audit.command("verify")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--key", "key", metavar="PUBKEY",
              help="The published public key (64 hex digits, or a file holding them); the "
                   "chain head's signature must be valid under it.")
@pass_ctx
def verify(ctx: Context, file: Path | None, key: str | None) -> None:
    """Recompute an exported chain and name the first record that does not match; without
    FILE, recompute this store's trail and cross-check the chain heads it stored."""
    if file is None:
        if key is not None:
            fail("--key checks an exported file's signature: give the FILE too.")
        verify_store(ctx)
        return
    if not file.exists():
        fail(f"No such file: {file}")
    public_key = None
    if key is not None:
        text = key
        if Path(key).is_file():
            try:
                text = Path(key).read_text("utf-8", errors="replace")[:1000]
            except OSError as e:
                fail(f"Cannot read {key}: {e.strerror}")
        try:
            public_key = public_key_argument(text)
        except ValueError as e:
            fail(f"--key: {e}")
    try:
        result = verify_file(file, public_key)
    except OSError as e:
        fail(f"Cannot read {file}: {e.strerror}")
    if result.ok:
        click.echo(result.message)
        return
    click.echo(f"TAMPERED: {result.message}", err=True)
    sys.exit(1)


@handles_errors
def verify_store(ctx: Context) -> None:
    """The store's audit trail recomputed against its stored chain heads (exit 1 if not)."""
    from tracker.cli.wiring import queries

    result = check_stored_chain(queries(ctx))
    if result.ok:
        click.echo(result.message)
        return
    click.echo(f"TAMPERED: {result.message}", err=True)
    sys.exit(1)


@audit.command("key")
@pass_ctx
def key(ctx: Context) -> None:
    """Print the public key that signs this instance's chain heads (publish it to reviewers)."""
    click.echo(load_signer(ctx.settings.instance).public_key)


@main.group()
def export() -> None:
    """Export the audit trail or reports to files."""


@export.command("audit")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "xlsx"]), default="jsonl",
              show_default=True)
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--plan", help="Only events of this plan.")
@click.option("--actor", help="Only events by this actor.")
@click.option("--event-type", help="Only events of this type (e.g. Reassigned).")
@click.option("--since", type=click.DateTime(), help="From this UTC date-time.")
@click.option("--until", type=click.DateTime(), help="Up to this UTC date-time.")
@pass_ctx
@handles_errors
def export_audit(ctx: Context, fmt: str, output: Path, plan: str | None, actor: str | None,
                 event_type: str | None, since: object, until: object) -> None:
    """Export the trail (or a filter of it); JSON Lines carries the hash chain."""
    from datetime import UTC

    from tracker.cli.wiring import queries

    bounds = {k: v.replace(tzinfo=UTC) if v is not None else None  # type: ignore[attr-defined]
              for k, v in (("since", since), ("until", until))}
    source = queries(ctx)
    filters = {"plan": plan, "actor": actor, "event_type": event_type, **bounds}
    try:
        if fmt == "jsonl":
            with output.open("w", encoding="utf-8", newline="\n") as fp:
                writer = ChainWriter(fp, signer=load_signer(ctx.settings.instance))
                for members in audit_members(source, **filters):
                    writer.write_members(members)
                head = writer.close()
            click.echo(f"{head['count']} records, chain head {head['chain_head']}")
        elif fmt == "csv":
            with output.open("w", encoding="utf-8", newline="") as fp:
                count = write_csv(fp, CHAINED_COLUMNS, chained(audit_records(source, **filters)))
            click.echo(f"{count} records")
        else:
            count = write_xlsx(str(output), CHAINED_COLUMNS,
                               chained(audit_records(source, **filters)))
            click.echo(f"{count} records")
    except OSError as e:
        fail(f"Cannot write {output}: {e.strerror}")
