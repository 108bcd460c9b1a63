"""Tamper-evident audit export: hash-chained JSON Lines, their verifier, formula-safe CSV/XLSX.

Each record line is the RFC 8785 (JCS) serialisation of the record with ``prev_hash`` (the
previous record's hash, 64 zeros first) and ``hash``: the SHA-256 of the JCS bytes of the
record without ``hash``.  The file ends with ``{"chain_head": …, "count": …}``, signed with
the instance's Ed25519 key (``public_key``, ``signature``).  docs/audit-format.md is the
full rule.
"""

from __future__ import annotations

import bisect
import csv
import functools
import hashlib
import json
import operator
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any, TextIO, TypeGuard

import rfc8785

from tracker.auditsign import HeadSigner, is_public_key, signature_valid

GENESIS = "0" * 64
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_CHARS = 32767  # UTF-16 code units per cell
_TRUNCATED = "…[truncated]"
_HASH_RE = re.compile(r"[0-9a-f]{64}")
_HASH_FIELDS = ("hash", "prev_hash")
MAX_SAFE_INTEGER = 2**53 - 1
string_text = json.encoder.encode_basestring  # a str's canonical JSON text (JCS's escapes)
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, sort_keys=True,
                            separators=(",", ":"))
HEAD_FIELDS = frozenset({"chain_head", "count"})
SIGNED_HEAD_FIELDS = HEAD_FIELDS | {"public_key", "signature"}


def _safe(obj: object) -> object:
    """obj with integers JSON cannot carry exactly (beyond ±(2**53 - 1)) as decimal strings."""
    if isinstance(obj, dict):
        return {k: _safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_safe(v) for v in obj]
    if isinstance(obj, int) and not isinstance(obj, bool) and abs(obj) > MAX_SAFE_INTEGER:
        return str(obj)
    return obj


def _plain(obj: object) -> bool:
    """Whether the standard encoder writes obj exactly as JCS does: objects with ASCII keys
    (code-point order is then UTF-16 order), lists, strings, integers JSON carries exactly,
    booleans and null (no floats: ES6 writes them its own way)."""
    kind = type(obj)
    if kind is dict:
        for k, v in obj.items():  # type: ignore[attr-defined]
            if type(k) is not str or not k.isascii() or (type(v) is not str and not _plain(v)):
                return False
        return True
    if isinstance(obj, str) or obj is None or kind is bool:
        return True
    if kind is int:
        return -MAX_SAFE_INTEGER <= obj <= MAX_SAFE_INTEGER  # type: ignore[operator]
    if kind is list:
        for v in obj:  # type: ignore[attr-defined]
            if type(v) is not str and not _plain(v):
                return False
        return True
    return False


def _no_default(obj: object) -> object:
    raise TypeError(f"{type(obj).__name__} is not JSON")


# The standard library's C encoder as _ENCODER.encode builds it on every call, made once:
# the Python layers around it cost more than encoding an audit record.
_MAKE_ENCODER = getattr(json.encoder, "c_make_encoder", None)
_C_ENCODE = _MAKE_ENCODER and _MAKE_ENCODER(
    None, _no_default, json.encoder.encode_basestring, None, ":", ",", True, False, False)


def _encode(obj: object) -> str:
    return "".join(_C_ENCODE(obj, 0)) if _C_ENCODE else _ENCODER.encode(obj)


def canonical_json(obj: object) -> bytes:
    """Serialise obj by RFC 8785 (JCS): sorted keys, no spaces, ES6 numbers, UTF-8.

    Plain values (see _plain) go through the standard library's C encoder, which writes
    them byte for byte as JCS does; anything else through rfc8785."""
    if _plain(obj):
        try:
            return _encode(obj).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: rfc8785 says what is wrong
            pass
    try:
        return rfc8785.dumps(obj)  # type: ignore[arg-type]
    except rfc8785.IntegerDomainError:
        return rfc8785.dumps(_safe(obj))  # type: ignore[arg-type]
    except rfc8785.CanonicalizationError as e:
        raise ValueError(str(e)) from e


class Jcs(str):
    """Text that is already a JSON value's canonical form (RFC 8785): stored and spliced into
    a record's canonical text as it is, never encoded again."""

    __slots__ = ()


def jcs(obj: object) -> Jcs:
    """The value's canonical JSON as text, marked as such."""
    return Jcs(canonical_json(obj).decode("utf-8"))


def _body(record: Mapping[str, Any], prev_hash: str) -> dict[str, Any]:
    """The record without its hash and with prev_hash: what its hash is the hash of."""
    body = {**record, "prev_hash": prev_hash}
    body.pop("hash", None)
    return body


def record_hash(record: Mapping[str, Any], prev_hash: str) -> str:
    """Return the SHA-256 hex of the record (without hash fields) chained to prev_hash."""
    return hashlib.sha256(canonical_json(_body(record, prev_hash))).hexdigest()


@functools.lru_cache(maxsize=64)
def _splice(keys: tuple[Any, ...]) -> tuple[str, ...] | None:
    """For a body with these keys (prev_hash among them): the keys after prev_hash, when
    ``"hash"`` sorts just before ``"prev_hash"`` among them (no key sorts between the two);
    else None."""
    if any(type(k) is not str or "hash" < k < "prev_hash" for k in keys):
        return None
    return tuple(k for k in keys if k > "prev_hash")


def chained_line(record: Mapping[str, Any], prev_hash: str) -> tuple[str, str]:
    """The record's JSON Lines line (canonical, with prev_hash and hash) and its hash, the
    record canonicalised once: the line is the hashed body with ``"hash"`` put in its sorted
    place, just before ``"prev_hash"``. Records whose keys would not allow that (a key sorting
    between the two, or an object or list after them) are written the long way."""
    body = _body(record, prev_hash)
    after = _splice(tuple(body))
    if after is None or any(isinstance(body[k], dict | list | tuple) for k in after):
        own = record_hash(record, prev_hash)
        return canonical_json({**body, "hash": own}).decode("utf-8"), own
    data = canonical_json(body)
    own = hashlib.sha256(data).hexdigest()
    text = data.decode("utf-8")
    at = text.rfind(',"prev_hash":"') + 1 or 1  # (just after "{" when it is the first)
    return f'{text[:at]}"hash":"{own}",{text[at:]}', own


def value_text(value: object) -> str:
    """A value's canonical JSON text (RFC 8785), as it stands in a record's line (a string
    may hold a lone surrogate: the line's UTF-8 encoding refuses it)."""
    kind = type(value)
    if kind is str:
        return string_text(value)  # type: ignore[arg-type]
    if kind is int and -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:  # type: ignore[operator]
        return int.__repr__(value)  # type: ignore[arg-type]
    return canonical_json(value).decode("utf-8")


@functools.lru_cache(maxsize=64)
def _members_layout(keys: tuple[Any, ...]) -> tuple[Callable[[Mapping[str, str]], tuple[str, ...]],
                                                    tuple[str, ...], int, int]:
    """For a record with these keys: a getter of their texts in JCS order, their ``"key":``
    prefixes and where prev_hash and then hash go among them. ASCII keys only (code-point
    order is then the UTF-16 order JCS sorts by)."""
    if not all(type(k) is str and k.isascii() and k not in _HASH_FIELDS for k in keys):
        raise ValueError(f"record keys must be ASCII strings other than hash fields: {keys}")
    names = sorted(keys)
    getter = operator.itemgetter(*names) if len(names) > 1 else (
        lambda members: tuple(members[k] for k in names))
    return (getter, tuple(string_text(k) + ":" for k in names),  # type: ignore[return-value]
            bisect.bisect(names, "prev_hash"), bisect.bisect(names, "hash"))


def _members_body(members: Mapping[str, str], prev_hash: str) -> tuple[list[str], bytes, int]:
    getter, prefixes, prev_at, hash_at = _members_layout(tuple(members))
    parts = list(map(operator.add, prefixes, getter(members)))
    parts.insert(prev_at, '"prev_hash":' + string_text(prev_hash))
    try:
        body = ("{" + ",".join(parts) + "}").encode("utf-8")
    except UnicodeEncodeError as e:
        raise ValueError(f"a record may not hold a lone surrogate: {e}") from e
    return parts, body, hash_at


def members_hash(members: Mapping[str, str], prev_hash: str) -> str:
    """record_hash of a record given as its members' canonical texts (see value_text)."""
    return hashlib.sha256(_members_body(members, prev_hash)[1]).hexdigest()


def chained_members(members: Mapping[str, str], prev_hash: str) -> tuple[str, str]:
    """chained_line of a record given as its members' canonical texts (see value_text): JCS
    writes an object as its members in key order, so the record is not canonicalised again."""
    parts, body, hash_at = _members_body(members, prev_hash)
    own = hashlib.sha256(body).hexdigest()
    parts.insert(hash_at, f'"hash":"{own}"')
    return "{" + ",".join(parts) + "}", own


def chain_record(record: Mapping[str, Any], prev_hash: str) -> dict[str, Any]:
    """The record as exported: its fields, prev_hash, and hash over both."""
    out = {k: v for k, v in record.items() if k not in _HASH_FIELDS}
    out["prev_hash"] = prev_hash
    out["hash"] = record_hash(out, prev_hash)
    return out


def _is_hash(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and _HASH_RE.fullmatch(value) is not None


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


class ChainWriter:
    """Streams audit records to a text file as hash-chained canonical JSON Lines."""

    def __init__(self, fp: TextIO, prev_hash: str = GENESIS,
                 signer: HeadSigner | None = None) -> None:
        if not _is_hash(prev_hash):
            raise ValueError("prev_hash must be 64 lowercase hex digits")
        self._fp = fp
        self._signer = signer
        self.head: str = prev_hash
        self.count: int = 0
        self._last_seq: int | None = None
        self._closed = False

    def _next(self, record: Mapping[str, Any], seq: object) -> int:
        """The record's seq, checked to follow the last one (and the chain still open)."""
        if self._closed:
            raise ValueError("the chain is already closed")
        if "chain_head" in record:
            raise ValueError("a record may not have a 'chain_head' field")
        if not _is_int(seq) or (self._last_seq is not None and seq <= self._last_seq):
            raise ValueError(f"seq must be an integer greater than {self._last_seq}: {seq!r}")
        return seq

    def write(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Chain one record to the previous one, write it as a line and return it."""
        seq = self._next(record, record.get("seq"))
        line, own = chained_line(record, self.head)
        self._fp.write(line + "\n")
        out = {k: v for k, v in record.items() if k not in _HASH_FIELDS}
        out["prev_hash"], out["hash"] = self.head, own
        self.head, self.count, self._last_seq = own, self.count + 1, seq
        return out

    def write_members(self, members: Mapping[str, str]) -> str:
        """Chain one record given as its members' canonical texts (see value_text), write it
        as a line and return its hash."""
        text = members.get("seq")
        try:
            number: object = int(text)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = text
        seq = self._next(members, number)
        line, own = chained_members(members, self.head)
        self._fp.write(line + "\n")
        self.head, self.count, self._last_seq = own, self.count + 1, seq
        return own

    def close(self) -> dict[str, Any]:
        """Write and return the final chain-head line; the file object stays open."""
        if self._closed:
            raise ValueError("the chain is already closed")
        self._closed = True
        end: dict[str, Any] = {"chain_head": self.head, "count": self.count}
        if self._signer is not None:
            end = self._signer.sign(self.head, self.count)
        self._fp.write(canonical_json(end).decode("utf-8") + "\n")
        return end


@dataclass
class VerifyResult:
    """Outcome of verifying an audit chain; bad_line is 1-based, None when ok."""

    ok: bool
    count: int
    head: str | None
    bad_line: int | None
    bad_seq: int | None
    message: str
    signed_by: str | None = None
    key_checked: bool = False


def _bad(count: int, line: int, seq: int | None, problem: str) -> VerifyResult:
    where = f"record {seq} (line {line})" if seq is not None else f"line {line}"
    return VerifyResult(False, count, None, line, seq, f"{where}: {problem}")


def verify_chain(lines: Iterable[str | bytes], public_key: str | None = None) -> VerifyResult:
    """Recompute the chain over lines (bytes or str) and name the first one that fails;
    with public_key (hex), the chain head's signature must be valid under it."""
    it = iter(lines)
    head: str | None = None  # None until the first record sets the starting point
    count, last_seq, line = 0, None, 0
    for line, raw in enumerate(it, 1):
        try:
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError:
            return _bad(count, line, None, "is not valid UTF-8")
        text = text[:-1] if text.endswith("\n") else text
        try:
            obj = json.loads(text)
        except (ValueError, RecursionError):
            return _bad(count, line, None, "is not valid JSON")
        if not isinstance(obj, dict):
            return _bad(count, line, None, "is not a JSON object")
        seq = obj["seq"] if _is_int(obj.get("seq")) else None
        try:
            canonical = canonical_json(obj).decode("utf-8") == text
        except (ValueError, TypeError, RecursionError):
            canonical = False
        if "chain_head" in obj:
            return _verify_end(obj, canonical, line, head, count, it, public_key)
        if not canonical:
            return _bad(count, line, seq, "is not in canonical form (bytes were altered)")
        prev, own = obj.get("prev_hash"), obj.get("hash")
        if not _is_hash(prev):
            return _bad(count, line, seq, "prev_hash is missing or malformed")
        if head is not None and prev != head:
            return _bad(
                count,
                line,
                seq,
                "prev_hash does not match the previous record's hash "
                "(a record was deleted, inserted or moved)",
            )
        if own != record_hash(obj, prev):
            return _bad(count, line, seq, "hash does not match its contents")
        if seq is None:
            return _bad(count, line, None, "seq is missing or not an integer")
        if last_seq is not None and seq <= last_seq:
            return _bad(count, line, seq, f"seq {seq} does not follow seq {last_seq}")
        head, count, last_seq = own, count + 1, seq
    if line == 0:
        return _bad(0, 1, None, "the file is empty: the chain head line is missing")
    return _bad(count, line + 1, None, f"the chain head line is missing after line {line}")


def _verify_end(
    obj: dict[str, Any],
    canonical: bool,
    line: int,
    head: str | None,
    count: int,
    rest: Iterable[str | bytes],
    public_key: str | None,
) -> VerifyResult:
    if not canonical or set(obj) not in (HEAD_FIELDS, SIGNED_HEAD_FIELDS) \
            or not _is_hash(obj["chain_head"]):
        return _bad(count, line, None, "the chain head line is malformed")
    if head is not None and obj["chain_head"] != head:
        return _bad(count, line, None, "the chain head does not match the last record's hash")
    if not _is_int(obj["count"]) or obj["count"] != count:
        return _bad(
            count, line, None, f"the chain head says {obj['count']!r} records, the file has {count}"
        )
    if next(iter(rest), None) is not None:
        return _bad(count, line + 1, None, "content follows the chain head line")
    head = obj["chain_head"]
    signed_by = obj.get("public_key")
    if signed_by is None and public_key is not None:
        return _bad(count, line, None, "the chain head is not signed")
    if signed_by is not None and not signature_valid(head, count, obj["signature"],
                                                     public_key or signed_by):
        problem = ("the chain head's signature does not match the public key given "
                   "(the chain was recomputed or signed by another key)" if public_key
                   else "the chain head's signature is not valid")
        return _bad(count, line, None, problem)
    if public_key is not None:
        note = f", signature valid for public key {public_key}"
    elif signed_by is not None:
        note = (f", signed by public key {signed_by} (not checked against a published key: "
                "pass it with --key)")
    else:
        note = ""
    return VerifyResult(True, count, head, None, None,
                        f"OK: {count} records, chain head {head}{note}", signed_by,
                        public_key is not None)


def public_key_argument(value: str) -> str:
    """A public key given as 64 hex digits (any case, spaces ignored); ValueError if not."""
    key = "".join(value.split()).lower()
    if not is_public_key(key):
        raise ValueError("a public key is 64 hexadecimal digits (see `tracker audit key`)")
    return key


def verify_file(path: str | os.PathLike[str], public_key: str | None = None) -> VerifyResult:
    """Verify an audit export file, reading it line by line in binary."""
    with open(path, "rb") as fp:
        return verify_chain(fp, public_key)


def neutralise(value: object) -> object:
    """Prefix a string that a spreadsheet would run as a formula with "'"; else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list | tuple):
        text = canonical_json(value).decode("utf-8")
    else:
        text = str(value)
    return str(neutralise(text))


def write_csv(fp: TextIO, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> int:
    """Write a header and rows as CSV text with every cell neutralised; return the row count."""
    writer = csv.writer(fp)  # open fp with newline="" so the csv module controls line ends
    writer.writerow([_cell_text(c) for c in columns])
    n = 0
    for row in rows:
        writer.writerow([_cell_text(row.get(c)) for c in columns])
        n += 1
    return n


def _xlsx_text(value: object) -> str:
    text = _cell_text(value)
    if len(text) > XLSX_MAX_CHARS // 2 and len(text.encode("utf-16-le")) // 2 > XLSX_MAX_CHARS:
        keep = 2 * (XLSX_MAX_CHARS - len(_TRUNCATED))
        text = text.encode("utf-16-le")[:keep].decode("utf-16-le", "ignore") + _TRUNCATED
    return text


def write_xlsx(
    path_or_fp: str | os.PathLike[str] | IO[bytes],
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    sheet_name: str = "audit",
) -> int:
    """Write a header and rows to one XLSX sheet as neutralised text cells; return row count."""
    import xlsxwriter  # (only here: it takes 20 ms to load, which no other export needs)

    target = os.fspath(path_or_fp) if isinstance(path_or_fp, os.PathLike) else path_or_fp
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True})
    try:
        sheet = workbook.add_worksheet(sheet_name)
        for col, name in enumerate(columns):
            sheet.write_string(0, col, _xlsx_text(name))
        n = 0
        for n, row in enumerate(rows, 1):
            for col, name in enumerate(columns):
                if sheet.write_string(n, col, _xlsx_text(row.get(name))) == -1:
                    raise ValueError(f"row {n} does not fit in one XLSX sheet")
    finally:
        workbook.close()
    return n
