"""Which notifications a person has read: state of its own, like accounts, not a read model.

The inbox itself is a read model (projections.inbox) that a rebuild wipes and replays; the read
marks are what people did in the app, not facts about the work, so they live in a table no
rebuild touches, keyed by each notification's lasting name (its item and the item's version).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

metadata = sa.MetaData()
reads_table = sa.Table(
    "inbox_reads", metadata,
    sa.Column("person", sa.String(200), primary_key=True),
    sa.Column("notification", sa.String(80), primary_key=True),
    sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
)


class ReadMarks:
    """Marks of read notifications, per person."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def create_tables(self) -> None:
        """Create the table when missing."""
        metadata.create_all(self.engine)

    def read(self, person: str) -> set[str]:
        """The notifications the person has read."""
        query = sa.select(reads_table.c.notification).where(reads_table.c.person == person)
        with self.engine.connect() as conn:
            return set(conn.execute(query).scalars())

    def mark(self, person: str, notifications: Iterable[str]) -> int:
        """Mark notifications read (again is harmless); how many were new."""
        wanted = sorted(set(notifications) - self.read(person))
        now = datetime.now(UTC)
        rows = [{"person": person, "notification": n, "read_at": now} for n in wanted]
        if not rows:
            return 0
        try:
            with self.engine.begin() as conn:
                conn.execute(reads_table.insert(), rows)
            return len(rows)
        except IntegrityError:  # some were marked at the same moment by another request
            pass
        added = 0
        for name in wanted:
            try:
                with self.engine.begin() as conn:
                    conn.execute(reads_table.insert().values(
                        person=person, notification=name, read_at=now))
                added += 1
            except IntegrityError:  # marked at the same moment by another request
                continue
        return added
