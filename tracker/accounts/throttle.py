"""Sign-in throttling: exponential back-off per client and per account over a sliding window,
kept in the database so every worker process (and host) shares it.

Every attempt is a row. Before a password is checked the attempt is reserved under a row lock
on its keys, so parallel attempts are decided one after another and a pending one already
counts as a failure. The back-off on an account is short for clients that have not been guessing
at it, and long for those that have: an attacker cannot keep the real user out for more than
``FRESH_CAP`` seconds after the attack stops.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tracker.accounts.model import attempts_table, locks_table

WINDOW = timedelta(hours=1)  # failures older than this are forgotten (sliding)
CLIENT_FREE, CLIENT_CAP = 10, 3600.0  # a client: failures (any account) before back-off, cap
ACCOUNT_FREE = 5  # an account: failures (any client) before back-off
PAIR_FREE, PAIR_CAP = 5, 3600.0  # a client that keeps trying one account (failed or refused)
FRESH_CAP = 30.0  # the longest an account waits for any other client


def utcnow() -> datetime:
    """Naive UTC, as the attempts table keeps it."""
    return datetime.now(UTC).replace(tzinfo=None)


def client_key(address: str | None) -> str:
    """The throttled client: its IPv4 address, or its IPv6 /64 network."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "unknown")[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def backoff(failures: int, free: int, cap: float) -> float:
    """Seconds to wait after the last failure: none up to `free`, then 1, 2, 4 … up to cap."""
    if failures < free:
        return 0.0
    return min(cap, 2.0 ** min(failures - free, 30))


@dataclass(frozen=True)
class Decision:
    """An attempt may go ahead (attempt id) or must wait `retry_after` seconds."""

    attempt: int | None
    retry_after: int = 0
    account_failures: int = 0


class Throttle:
    """The attempts table: reserve an attempt, then record how it ended."""

    def __init__(self, engine: sa.Engine, clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.clock = clock

    def begin(self, account: str, client: str) -> Decision:
        """Reserve an attempt for (account, client), or say how long to wait first."""
        account, now = account.strip().lower()[:64], self.clock()
        a = attempts_table.c
        with self.engine.begin() as conn:
            self._lock(conn, (f"a:{account}", f"c:{client}"))
            conn.execute(attempts_table.delete().where(a.at < now - WINDOW))
            rows = conn.execute(sa.select(a.at, a.account, a.client, a.outcome).where(
                a.outcome != "ok", a.at >= now - WINDOW,
                sa.or_(a.account == account, a.client == client))).all()
            # Refused attempts hold back their own client (and mark it as guessing at this
            # account), never the account: the attacker waits first, not the real user.
            on_account = [r.at for r in rows if r.account == account and r.outcome != "refused"]
            from_client = [r.at for r in rows if r.client == client]
            pair = sum(1 for r in rows if r.account == account and r.client == client)
            # A client that keeps trying this account counts its own tries on top, up to an hour.
            account_wait = (backoff(len(on_account) + pair, ACCOUNT_FREE, PAIR_CAP)
                            if pair >= PAIR_FREE else
                            backoff(len(on_account), ACCOUNT_FREE, FRESH_CAP))
            waits = [w for w in (
                _after(from_client, backoff(len(from_client), CLIENT_FREE, CLIENT_CAP)),
                _after(on_account, account_wait)) if w]
            ready = max(waits, default=now)
            outcome = "refused" if ready > now else "pending"
            key = conn.execute(attempts_table.insert().values(
                at=now, account=account, client=client, outcome=outcome)).inserted_primary_key
        if ready > now:
            wait = math.ceil((ready - now).total_seconds())
            return Decision(None, max(1, wait), len(on_account))
        assert key is not None
        return Decision(int(key[0]), 0, len(on_account))

    def finish(self, attempt: int, ok: bool) -> int:
        """Record how the attempt ended; the account's failures in the window now."""
        a = attempts_table.c
        with self.engine.begin() as conn:
            conn.execute(attempts_table.update().where(a.id == attempt).values(
                outcome="ok" if ok else "fail"))
            account = conn.execute(sa.select(a.account).where(a.id == attempt)).scalar()
            return int(conn.execute(sa.select(sa.func.count()).where(
                a.account == account, a.outcome.in_(("fail", "pending")),
                a.at >= self.clock() - WINDOW)).scalar() or 0)

    def lockout_seconds(self, failures: int) -> int:
        """How long the account now makes other clients wait after its last failure."""
        return int(backoff(failures, ACCOUNT_FREE, FRESH_CAP))

    @staticmethod
    def _lock(conn: sa.Connection, keys: tuple[str, ...]) -> None:
        """Serialise the decisions on these keys (row locks; SQLite's write lock)."""
        insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        for key in sorted(keys):
            conn.execute(insert(locks_table).values(key=key).on_conflict_do_nothing())
            conn.execute(locks_table.update().where(locks_table.c.key == key).values(key=key))


def _after(times: list[datetime], seconds: float) -> datetime | None:
    """When the wait after the latest of the times ends (None when there is no wait)."""
    if not times or seconds <= 0:
        return None
    return max(times) + timedelta(seconds=seconds)
