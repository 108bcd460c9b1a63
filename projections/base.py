"""What a projection is: a name, the tables it owns and a handler for one event."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from projections.events import Envelope


class ProjectionError(RuntimeError):
    """The event stream does not fit the read model (an aggregate's events are missing)."""


@dataclass(frozen=True)
class Projection:
    """Event handlers that write a set of tables; the engine tracks its position.

    prefetch, if given, reads the rows a batch of events will touch in a few queries (see
    projections.rows.preload) before the events are handled one by one.
    """

    name: str
    tables: tuple[sa.Table, ...]
    handle: Callable[[sa.Connection, Envelope], None]
    prefetch: Callable[[sa.Connection, Sequence[Envelope]], None] | None = None

    def handle_batch(self, conn: sa.Connection, envelopes: Sequence[Envelope]) -> None:
        """Prefetch, then handle each event in order (inside a buffered transaction)."""
        if self.prefetch is not None and envelopes:
            self.prefetch(conn, envelopes)
        handle = self.handle
        for env in envelopes:
            handle(conn, env)


def check_version(current: int | None, env: Envelope) -> bool:
    """True to apply the event; False when the row already has it; raise when events are missing."""
    if current is None:
        if env.version == 1:  # every aggregate begins with its created event
            return True
        raise ProjectionError(f"{env.aggregate_id} has no Created event before seq {env.seq}")
    if env.version <= current:
        return False
    if env.version != current + 1:
        raise ProjectionError(
            f"{env.aggregate_id}: version {env.version} follows {current} at seq {env.seq}"
        )
    return True
