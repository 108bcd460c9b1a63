"""The read-model tables (SQLAlchemy Core, prefix ``rm_``)."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from tracker.auditchain import MAX_SAFE_INTEGER, Jcs, canonical_json

metadata = sa.MetaData()
# Indexes earlier versions made and this one replaced: dropped when the tables are opened.
RETIRED_INDEXES = ("ix_rm_board_versions_parent", "ix_rm_board_plan_parent")
# Tables earlier versions kept and this one does without: dropped when the tables are opened
# (rm_history and rm_audit became the one per-event table rm_events).
RETIRED_TABLES = ("rm_history", "rm_audit")
S = sa.String(200)
Text = sa.Text
UTC = sa.DateTime()  # naive UTC: the same on SQLite and PostgreSQL

tracking = sa.Table(
    "rm_tracking", metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("position", sa.BigInteger, nullable=False),
)

plans = sa.Table(
    "rm_plans", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("key", S, nullable=False, unique=True),
    sa.Column("title", Text, nullable=False),
    sa.Column("starts", sa.Date, nullable=False),
    sa.Column("ends", sa.Date, nullable=False),
    sa.Column("description", Text, nullable=False),
    sa.Column("goals", sa.JSON, nullable=False),
    sa.Column("phases", sa.JSON, nullable=False),
    sa.Column("organisation", Text),
)

people = sa.Table(
    "rm_people", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("key", S, nullable=False, unique=True),
    sa.Column("name", Text, nullable=False),
    sa.Column("role", S, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("unit", S),
    # The last event that changed the row: the directory's version is the largest (names.py).
    sa.Column("seq", sa.BigInteger, nullable=False, index=True),
    # The event that created it: the order the plan listed people in (reports/order.py).
    sa.Column("created_seq", sa.BigInteger, nullable=False),
)

units = sa.Table(
    "rm_units", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("key", S, nullable=False, unique=True),
    sa.Column("name", Text, nullable=False),
    sa.Column("liaisons", sa.JSON, nullable=False),
    sa.Column("contact", S),
    sa.Column("parent", S),
    sa.Column("seq", sa.BigInteger, nullable=False, index=True),
    sa.Column("created_seq", sa.BigInteger, nullable=False),
)

board = sa.Table(
    "rm_board", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("key", Text, nullable=False),
    sa.Column("plan_key", S, nullable=False, index=True),
    sa.Column("title", Text, nullable=False),
    sa.Column("deliverable", Text, nullable=False),
    sa.Column("description", Text, nullable=False),
    sa.Column("owner", S, nullable=False, index=True),
    sa.Column("lead_unit", S, nullable=False),
    sa.Column("units", sa.JSON, nullable=False),
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("original_due", sa.Date, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("phase", S),
    sa.Column("goal", S),
    sa.Column("percent", sa.Integer),
    sa.Column("last_report_on", sa.Date),
    sa.Column("extension_pending", sa.Boolean, nullable=False),
    sa.Column("pending_due", sa.Date),
    sa.Column("returns", sa.Integer, nullable=False),
    sa.Column("chases", sa.Integer, nullable=False),
    sa.Column("created_on", sa.Date, nullable=False),
    sa.Column("last_activity", UTC, nullable=False),
    sa.Column("report_every_days", sa.Integer),
    sa.Column("parent", Text),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("completion", sa.JSON),
    sa.Column("leaders", sa.JSON),
    sa.Column("co_leads", sa.JSON),
    sa.Column("milestones", sa.JSON),
    sa.Column("facts", sa.JSON),  # the rest of the item's state (tracker.domain.state)
    sa.Column("notices", sa.JSON),  # supervision notices 督办单 (dates as ISO strings)
    sa.Index("ix_rm_board_plan_due", "plan_key", "due", "title"),
    sa.Index("ix_rm_board_plan_status_due", "plan_key", "status", "due", "title"),
    # A card's sub-items in board order: without due and title SQLite would rather walk the
    # whole plan by due date (ix_rm_board_plan_due) than sort a few children.
    sa.Index("ix_rm_board_plan_parent_due", "plan_key", "parent", "due", "title"),
    sa.Index("ix_rm_board_lead_unit", "lead_unit"),
)

# Who answers for each item besides its owner (tracker.domain.lifecycle.ANSWERABLE).
board_people = sa.Table(
    "rm_board_people", metadata,
    sa.Column("item_id", sa.String(36), primary_key=True),
    sa.Column("person", S, primary_key=True),
    sa.Column("current", sa.Boolean, nullable=False),
    sa.Index("ix_rm_board_people_person", "person", "current"),
)

class Canonical(sa.types.TypeDecorator[Any]):
    """A JSON value stored as its RFC 8785 text: the audit chain's own form, so the export
    and the chain hashes use the stored text as it is (``Jcs`` text is stored unchanged)."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str | None:
        if value is None or isinstance(value, Jcs):
            return value
        return canonical_json(value).decode("utf-8")

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Any:
        return None if value is None else json.loads(value, parse_int=_number)


def _number(text: str) -> int | float:
    """A whole number in canonical text: past 2**53 it can only have been a float (a larger
    integer is written as a string), and read as one it is written the same way again."""
    value = int(text)
    return value if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER else float(text)


# One row per event, in notification order: the audit trail and every item's timeline (what
# an event changed on its card is read from the card's versions when shown: queries.history).
# The event's data is stored once, in canonical form; the chain columns keep the export's
# running head.
audit = sa.Table(
    "rm_events", metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("at", UTC, nullable=False),
    sa.Column("actor", Text, nullable=False),
    sa.Column("aggregate_id", sa.String(36), nullable=False),
    sa.Column("aggregate_type", sa.String(64), nullable=False),
    sa.Column("plan_key", S),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("data", Canonical, nullable=False),
    # The export's chain as it stands after this record: its hash (the running chain head)
    # and how many records it holds, kept as events arrive so no page re-hashes history.
    sa.Column("chain_hash", sa.String(64), nullable=False),
    sa.Column("chain_count", sa.BigInteger, nullable=False),
    sa.Index("ix_rm_events_aggregate", "aggregate_id", "version"),
    sa.Index("ix_rm_events_plan", "plan_key", "seq"),
    sa.Index("ix_rm_events_actor", "actor", "seq"),
)

ledger_items = sa.Table(
    "rm_ledger_items", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("plan_key", S, nullable=False),
    sa.Column("key", Text, nullable=False),
    sa.Column("title", Text, nullable=False),
    sa.Column("owner", S, nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("original_due", sa.Date, nullable=False),
    sa.Column("completed_on", sa.Date),
    sa.Column("cadence", sa.Integer),
    sa.Column("anchor", sa.Date, nullable=False),
    sa.Column("segment", sa.Integer, nullable=False),
    sa.Column("segment_open", sa.Boolean, nullable=False),
    sa.Index("ix_rm_ledger_items_plan", "plan_key", "id"),  # a plan's rows in key order
)

ledger_events = sa.Table(
    "rm_ledger_events", metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(32), primary_key=True),
    sa.Column("person", S, nullable=False, index=True),
    sa.Column("item_id", sa.String(36), nullable=False),
    sa.Column("plan_key", S, nullable=False),
    sa.Column("on", sa.Date, nullable=False),
    sa.Index("ix_rm_ledger_events_plan", "plan_key", "seq", "kind"),
)

ledger_cadence = sa.Table(
    "rm_ledger_cadence", metadata,
    sa.Column("item_id", sa.String(36), primary_key=True),
    sa.Column("segment", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("owner", S, nullable=False, index=True),
    sa.Column("plan_key", S, nullable=False),
    sa.Column("anchor", sa.Date, nullable=False),
    sa.Column("cadence", sa.Integer, nullable=False),
    sa.Column("lo", sa.Date, nullable=False),
    sa.Column("hi", sa.Date),
    sa.Index("ix_rm_ledger_cadence_plan", "plan_key", "item_id", "segment"),
)

# Who owned each item when: [[owner, from (ISO date), until (ISO date or null)], ...]
ledger_tenures = sa.Table(
    "rm_ledger_tenures", metadata,
    sa.Column("item_id", sa.String(36), primary_key=True),
    sa.Column("plan_key", S, nullable=False),
    sa.Column("spans", sa.JSON, nullable=False),
    sa.Index("ix_rm_ledger_tenures_plan", "plan_key"),
)

# The in-app inbox: what each item event told whom. rm_inbox_items keeps the little of each
# item's state the rules need (who asked for the pending decisions).
inbox_items = sa.Table(
    "rm_inbox_items", metadata,
    sa.Column("item_id", sa.String(36), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("plan_key", S, nullable=False),
    sa.Column("title", Text, nullable=False),
    sa.Column("owner", S, nullable=False),
    sa.Column("open", sa.Boolean, nullable=False),
    # who asked for each decision now pending (null: none pending)
    sa.Column("pending_extension", S),
    sa.Column("completion", S),
    sa.Column("pending_deliverable", S),
)

inbox = sa.Table(
    "rm_inbox", metadata,
    sa.Column("person", S, primary_key=True),
    sa.Column("item_id", sa.String(36), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("at", UTC, nullable=False),
    sa.Column("actor", Text, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("plan_key", S, nullable=False),
    sa.Column("title", Text, nullable=False),
    sa.Column("text", Text),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Index("ix_rm_inbox_person", "person", "seq"),
)
