"""Audit rows shaped as export records, streamed as chained JSON Lines, CSV or XLSX.

Shared by the CLI (``tracker export audit``), the web audit pages and the JSON API: every
caller passes a ``Queries``-like object (anything with ``iter_audit_records(**filters)``), so
this module stays free of the read side's imports.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from tracker.auditchain import (
    GENESIS,
    ChainWriter,
    chain_record,
    record_hash,
    string_text,
    value_text,
    write_csv,
    write_xlsx,
)
from tracker.auditsign import HeadSigner

AUDIT_COLUMNS = ("seq", "timestamp", "actor", "aggregate_type", "aggregate_id", "event_type",
                 "version", "data")
CHAINED_COLUMNS = (*AUDIT_COLUMNS, "prev_hash", "hash")
FILTERS = ("plan", "item", "actor", "event_type", "since", "until")


class AuditSource(Protocol):
    """What the export needs from the read side."""

    def iter_audit(self, **filters: Any) -> Iterator[dict[str, Any]]: ...

    def iter_audit_records(self, **filters: Any) -> Iterator[dict[str, Any]]: ...

    def iter_audit_members(self, **filters: Any) -> Iterator[dict[str, str]]: ...


class HeadSource(AuditSource, Protocol):
    """A read side that also keeps the whole trail's chain head as events arrive."""

    def chain_head(self, until: datetime | None = None) -> dict[str, Any]: ...


def export_timestamp(at: datetime) -> str:
    """An instant as the export writes it: ISO 8601, UTC written Z (a naive one is UTC)."""
    return at.isoformat() + "Z" if at.tzinfo is None else at.isoformat().replace("+00:00", "Z")


def export_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """One audit row (from the read models) as the record the export chains."""
    return {"seq": row["seq"], "timestamp": export_timestamp(row["at"]),
            "actor": row["actor"], "aggregate_type": row["aggregate_type"],
            "aggregate_id": str(row["aggregate_id"]), "event_type": row["event_type"],
            "version": row["version"], "data": row["data"]}


def export_members(seq: int, at: datetime, actor: str, aggregate_type: str,
                   aggregate_id: str, event_type: str, version: int,
                   canonical_data: str) -> dict[str, str]:
    """An audit row's export record as its members' canonical texts (data's given as such):
    what ChainWriter.write_members writes, the line write makes of export_record's record."""
    return {"seq": value_text(seq), "timestamp": string_text(export_timestamp(at)),
            "actor": string_text(actor), "aggregate_type": string_text(aggregate_type),
            "aggregate_id": string_text(aggregate_id), "event_type": string_text(event_type),
            "version": value_text(version), "data": canonical_data}


def _given(filters: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in filters.items() if v is not None and v != ""}


def audit_records(queries: AuditSource, **filters: Any) -> Iterator[dict[str, Any]]:
    """Every matching audit row in notification order, as export records (streamed)."""
    yield from queries.iter_audit_records(**_given(filters))


def audit_members(queries: AuditSource, **filters: Any) -> Iterator[dict[str, str]]:
    """Every matching audit row in notification order, as export_members (streamed): what
    the JSON Lines export writes."""
    yield from queries.iter_audit_members(**_given(filters))


class _Lines(io.StringIO):
    """A text buffer that hands back what was written since the last call."""

    def take(self) -> str:
        text = self.getvalue()
        self.seek(0)
        self.truncate()
        return text


def chained(records: Iterable[Mapping[str, Any]],
            head: str = GENESIS) -> Iterator[dict[str, Any]]:
    """The records with their prev_hash and hash, exactly as the JSON Lines export has them
    (a page of them continues the chain from the head before it)."""
    for record in records:
        out = chain_record(record, head)
        head = out["hash"]
        yield out


def stream_jsonl(records: Iterable[Mapping[str, Any]],
                 signer: HeadSigner | None = None, prev_hash: str = GENESIS) -> Iterator[str]:
    """Chained JSON Lines, one line per record, ending with the (signed) chain-head line."""
    buf = _Lines()
    writer = ChainWriter(buf, prev_hash, signer=signer)
    for record in records:
        writer.write(record)
        yield buf.take()
    writer.close()
    yield buf.take()


def stream_members_jsonl(records: Iterable[Mapping[str, str]], signer: HeadSigner | None = None,
                         batch: int = 500) -> Iterator[str]:
    """stream_jsonl of records given as export_members, a batch of lines at a time."""
    buf = _Lines()
    writer = ChainWriter(buf, signer=signer)
    for n, members in enumerate(records, 1):
        writer.write_members(members)
        if n % batch == 0:
            yield buf.take()
    writer.close()
    yield buf.take()


def stream_csv(records: Iterable[Mapping[str, Any]], batch: int = 500,
               signer: HeadSigner | None = None, prev_hash: str = GENESIS) -> Iterator[str]:
    """Formula-neutralised CSV text with seq, prev_hash and hash, header first, then chunks."""
    buf = _Lines()
    write_csv(buf, CHAINED_COLUMNS, [])
    header = buf.take()
    yield header
    pending: list[Mapping[str, Any]] = []
    for record in chained(records, prev_hash):
        pending.append(record)
        if len(pending) >= batch:
            write_csv(buf, CHAINED_COLUMNS, pending)
            yield buf.take()[len(header):]
            pending = []
    if pending:
        write_csv(buf, CHAINED_COLUMNS, pending)
        yield buf.take()[len(header):]


def stream_xlsx(records: Iterable[Mapping[str, Any]], chunk: int = 64 * 1024,
                signer: HeadSigner | None = None) -> Iterator[bytes]:
    """An XLSX workbook with seq, prev_hash and hash (constant memory), then streamed."""
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        write_xlsx(path, CHAINED_COLUMNS, chained(records))
        with open(path, "rb") as fp:
            while block := fp.read(chunk):
                yield block
    finally:
        os.unlink(path)


def chain_head(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The head a full export would end with: chain head, last seq and count."""
    head, count, last = GENESIS, 0, None
    for record in records:
        head = record_hash(record, head)
        count, last = count + 1, record["seq"]
    return {"chain_head": head, "seq": last, "count": count}


def audit_head(queries: AuditSource, **filters: Any) -> dict[str, Any]:
    """The current chain head of the whole trail (or of a filter of it) and its last seq."""
    return chain_head(audit_records(queries, **filters))


def signed_head(queries: HeadSource, signer: HeadSigner, **filters: Any) -> dict[str, Any]:
    """The chain head (of the whole trail, or of a filter of it) with its last seq, the
    public key and the Ed25519 signature: what report footers and /api/audit/head show.

    The whole trail's head is the stored one; only a filter of it is hashed here."""
    wanted = _given(filters)
    head = audit_head(queries, **wanted) if wanted else queries.chain_head()
    return {**signer.sign(head["chain_head"], head["count"]), "seq": head["seq"]}


@dataclass
class StoredChainCheck:
    """Outcome of recomputing the trail's chain against the heads the read side stored."""

    ok: bool
    count: int
    head: str
    message: str


def check_stored_chain(queries: HeadSource) -> StoredChainCheck:
    """Recompute the whole trail's chain from its records and cross-check every stored
    running head and count, then the stored head itself; the first mismatch is named."""
    head, count = GENESIS, 0
    for row in queries.iter_audit():
        head, count = record_hash(export_record(row), head), count + 1
        if row.get("chain_hash") != head or row.get("chain_count") != count:
            return StoredChainCheck(False, count, head, (
                f"record {row['seq']}: the stored chain head {row.get('chain_hash')} "
                f"(count {row.get('chain_count')}) differs from the recomputed {head} "
                f"(count {count})"))
    stored = queries.chain_head()
    if stored["chain_head"] != head or stored["count"] != count:
        return StoredChainCheck(False, count, head, (
            f"the stored chain head {stored['chain_head']} (count {stored['count']}) differs "
            f"from the recomputed {head} (count {count})"))
    return StoredChainCheck(True, count, head,
                            f"OK: {count} records, stored chain head {head} matches")


def legacy_chain_head(records: Iterable[Mapping[str, Any]]) -> str:
    """The head under the rule before RFC 8785 (``json.dumps`` with sorted keys, so 80.0
    stayed ``80.0``): what backups made before it recorded."""
    head = GENESIS
    for record in records:
        body = {k: v for k, v in record.items() if k not in ("hash", "prev_hash")}
        body["prev_hash"] = head
        text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        head = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return head
