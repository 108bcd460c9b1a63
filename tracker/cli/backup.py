"""``tracker backup FILE`` and ``tracker restore FILE``."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from tracker.auditchain import GENESIS, record_hash
from tracker.auditexport import audit_head, audit_records
from tracker.backup import BackupError, check_backup, event_records, restore_events, write_backup
from tracker.cli import Context, fail, handles_errors, main, pass_ctx


def _audit_hashes(queries: Any, stop: int) -> Iterator[tuple[int, str]]:
    """(seq, hash in a full audit export) for every audit record up to seq `stop`."""
    head = GENESIS
    records = itertools.takewhile(lambda r: r["seq"] <= stop, audit_records(queries))
    for record in records:
        head = record_hash(record, head)
        yield record["seq"], head


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
@handles_errors
def backup(ctx: Context, file: Path) -> None:
    """Write every stored event, with its audit hash, to a hash-chained file."""
    from tracker.cli.wiring import queries, read_models

    q = queries(ctx)
    stop = min(read_models(ctx).positions().values())
    records = event_records(ctx.app.recorder, stop, _audit_hashes(q, stop))
    partial = file.with_name(file.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8", newline="\n") as fp:
            head = write_backup(fp, records)
        os.replace(partial, file)
    except OSError as e:
        partial.unlink(missing_ok=True)
        fail(f"Cannot write {file}: {e.strerror}")
        return
    click.echo(f"{head['count'] - 1} events backed up to {file}, chain head {head['chain_head']}")


def _skip_to(ctx: Context) -> Callable[[int], None] | None:
    """On PostgreSQL, set the notification id sequence so the next event gets seq."""
    recorder: Any = ctx.app.recorder
    if not hasattr(recorder, "datastore") or not hasattr(recorder.datastore, "schema"):
        return None
    table = f"{recorder.datastore.schema}.{recorder.events_table_name}"

    def skip_to(seq: int) -> None:
        with recorder.datastore.get_connection() as conn:
            conn.execute("SELECT setval(pg_get_serial_sequence(%s, 'notification_id'), %s, false)",
                         (table, seq))

    return skip_to


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
@handles_errors
def restore(ctx: Context, file: Path) -> None:
    """Restore a backup into an empty store; refuse a damaged file or a non-empty store."""
    from tracker.cli.wiring import queries, read_models

    if not file.exists():
        fail(f"No such file: {file}")
    try:
        info = check_backup(file)
    except BackupError as e:
        fail(f"Nothing was restored. {e}")
        return
    rm = read_models(ctx)
    if ctx.app.recorder.max_notification_id() or any(rm.positions().values()):
        fail("Nothing was restored. The event store is not empty; "
             "restore only into a fresh database (run `tracker init` on an empty one).")
    try:
        count = restore_events(ctx.app.recorder, file, _skip_to(ctx))
    except BackupError as e:
        fail(f"Nothing was restored. {e}")
        return
    head = audit_head(queries(ctx))
    click.echo(f"{count} events restored from {file}; audit chain head {head['chain_head']}")
    if info.last_seq is not None and head["seq"] != info.last_seq:
        click.echo(f"Warning: the last sequence number is {head['seq']}, the backup's was "
                   f"{info.last_seq} (the database could not keep a gap in the numbering).",
                   err=True)
    elif info.audit_head is not None and head["chain_head"] != info.audit_head:
        fail(f"The restored audit chain head differs from the backup's ({info.audit_head}).")
