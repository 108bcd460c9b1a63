"""``tracker backup FILE`` and ``tracker restore FILE``."""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from tracker.auditchain import GENESIS, record_hash
from tracker.auditexport import audit_head, audit_records, legacy_chain_head
from tracker.backup import (
    BackupError,
    check_backup,
    check_evidence,
    event_records,
    evidence_archive,
    read_events,
    restore_events,
    restore_evidence,
    write_backup,
    write_evidence,
)
from tracker.cli import Context, fail, handles_errors, main, pass_ctx
from tracker.cli.evidence import evidence_store
from tracker.evidence import recorded_files, references_in, verify_recorded


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
    _backup_evidence(ctx, file, stop)


def _backup_evidence(ctx: Context, file: Path, stop: int) -> None:
    """The recorded evidence files into FILE.evidence.tar; exit 1 if any could not go in."""
    archive = evidence_archive(file)
    hashes = {r.sha256 for r in recorded_files(ctx.app, stop=stop)}
    try:
        count, left_out = write_evidence(archive, evidence_store(ctx), hashes)
    except OSError as e:
        fail(f"Cannot write {archive}: {e.strerror}")
        return
    click.echo(f"{count} evidence files saved to {archive}")
    for check in left_out:
        click.echo(f"Not backed up: evidence file {check.sha256} is {check.problem}.", err=True)
    if left_out:
        sys.exit(1)


def _check_evidence(ctx: Context, file: Path, allow_missing: bool) -> Path | None:
    """The backup's evidence archive, checked against the files its events record."""
    needed = {r.sha256 for r in references_in(ctx.app.mapper, (s for _, s in read_events(file)))}
    archive = evidence_archive(file)
    if not archive.exists():
        if needed and not allow_missing:
            raise BackupError(f"The events record {len(needed)} evidence files but {archive} "
                              "is missing (--allow-missing-evidence restores without them).")
        return None
    lacking = needed - check_evidence(archive)
    if lacking and not allow_missing:
        raise BackupError(f"{archive} lacks {len(lacking)} evidence files the events record, "
                          f"e.g. {min(lacking)} (--allow-missing-evidence restores anyway).")
    return archive


def _restore_evidence(ctx: Context, archive: Path | None) -> int:
    """Copy the archive's files into the instance, then verify every recorded file."""
    store = evidence_store(ctx)
    count = restore_evidence(archive, store) if archive is not None else 0
    bad = [(r, c) for r, c in verify_recorded(store, recorded_files(ctx.app)) if not c.ok]
    for r, check in bad:
        click.echo(f"Evidence file {check.problem}: item {r.item_id}, {r.name} "
                   f"(sha256 {r.sha256})", err=True)
    click.echo(f"{count} evidence files restored to {store.folder}; "
               + (f"{len(bad)} recorded files do not verify." if bad else "all verified."))
    return len(bad)


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
@click.option("--allow-missing-evidence", is_flag=True,
              help="Restore even if FILE.evidence.tar is missing or lacks recorded files.")
@pass_ctx
@handles_errors
def restore(ctx: Context, file: Path, allow_missing_evidence: bool) -> None:
    """Restore a backup (and FILE.evidence.tar) into an empty store; refuse a damaged file
    or a non-empty store."""
    from tracker.cli.wiring import queries, read_models

    if not file.exists():
        fail(f"No such file: {file}")
    try:
        info = check_backup(file)
        archive = _check_evidence(ctx, file, allow_missing_evidence)
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
    unverified = _restore_evidence(ctx, archive)
    if info.last_seq is not None and head["seq"] != info.last_seq:
        click.echo(f"Warning: the last sequence number is {head['seq']}, the backup's was "
                   f"{info.last_seq} (the database could not keep a gap in the numbering).",
                   err=True)
    elif info.audit_head is not None and head["chain_head"] != info.audit_head:
        from projections.audit_projection import store_records

        if legacy_chain_head(store_records(ctx.app)) != info.audit_head:
            fail(f"The restored audit chain head differs from the backup's ({info.audit_head}).")
        click.echo("The backup was made before audit hashes followed RFC 8785; its audit chain "
                   "head matches under the former rule.")
    if unverified:
        sys.exit(1)
