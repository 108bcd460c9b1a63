"""The baselines every figure is compared with — used by the bench only, never by the tracker.

* bare library: load + decide + save one aggregate with eventsourcing, nothing else;
* read + decode: ``select_notifications`` + ``mapper.to_domain_event`` over the log;
* conventional design (Kanboard, Redmine): a minimal Flask route that UPDATEs the item row
  and INSERTs an audit row in one transaction, then renders an item fragment of the same shape
  (fields, actions and the item's journal).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from flask import Flask, request
from flask.testing import FlaskClient

from tracker.application import TrackerApplication
from tracker.domain import WorkItem
from tracker.domain.status import WORKING, Status

# -- the bare library --------------------------------------------------------------------------


def bare_command(app: TrackerApplication, item_ids: list[UUID]) -> Callable[[int], None]:
    """Call i: load item i (round robin), report progress on it, save it."""

    def call(i: int) -> None:
        item = app.repository.get(item_ids[i % len(item_ids)])
        item.report_progress(actor=item.owner, note=f"进展 {i}", percent=i % 100)
        app.save(item)

    return call


def read_decode(app: TrackerApplication, after: int = 0, stop: int | None = None,
                batch: int = 500) -> int:
    """Read and decode the log after a position (up to stop); how many events."""
    count = 0
    while True:
        notifications = app.recorder.select_notifications(
            after, batch, stop=stop, inclusive_of_start=False)
        for n in notifications:
            app.mapper.to_domain_event(n)
        count += len(notifications)
        if len(notifications) < batch:
            return count
        after = notifications[-1].id


# -- the conventional design -------------------------------------------------------------------

meta = sa.MetaData()
items = sa.Table(
    "conv_items", meta,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("plan_key", sa.String(200), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("deliverable", sa.Text, nullable=False),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("lead_unit", sa.String(200), nullable=False),
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("percent", sa.Integer),
    sa.Column("last_report_on", sa.Date),
    sa.Column("last_activity", sa.DateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)
audit = sa.Table(
    "conv_audit", meta,
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True,
              autoincrement=True),
    sa.Column("item_id", sa.String(36), nullable=False, index=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
)

FRAGMENT = """<div id="item" data-version="{{ item.version }}">
<h2>{{ item.title }}</h2>
<dl>{% for k in fields %}<dt>{{ k }}</dt><dd>{{ item[k] }}</dd>{% endfor %}</dl>
<div class="actions">{% for a in actions %}
<form method="post" hx-post="/items/{{ item.id }}/commands/{{ a }}" hx-target="#item">
<input type="hidden" name="expected_version" value="{{ item.version }}">
<button type="submit">{{ a }}</button></form>{% endfor %}</div>
<ol class="timeline">{% for e in journal %}<li><time>{{ e.at }}</time> <b>{{ e.actor }}</b>
{{ e.event_type }} {% for k, v in e.data.items() %}<span>{{ k }}: {{ v }}</span>{% endfor %}</li>
{% endfor %}</ol><!--{{ pad }}--></div>"""
FIELDS = ("plan_key", "deliverable", "owner", "lead_unit", "due", "status", "percent",
          "last_report_on", "last_activity", "version")
ACTIONS = ("report", "submit", "request-extension", "chase", "comment", "reassign",
           "reschedule", "cancel")


def copy_rows(engine: sa.Engine) -> int:
    """Create the conventional tables holding the same items and audit rows as the store."""
    meta.drop_all(engine)
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO conv_items (id, plan_key, title, deliverable, owner, lead_unit, due,"
            " status, percent, last_report_on, last_activity, version) SELECT id, plan_key,"
            " title, deliverable, owner, lead_unit, due, status, percent, last_report_on,"
            " last_activity, version FROM rm_board"))
        data = "CAST(data AS JSON)" if engine.dialect.name == "postgresql" else "data"
        conn.execute(sa.text(
            "INSERT INTO conv_audit (seq, item_id, at, actor, event_type, data) SELECT seq,"
            f" aggregate_id, at, actor, event_type, {data} FROM rm_events"))
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('conv_audit', 'seq'),"
                                 " (SELECT max(seq) FROM conv_audit))"))
        return int(conn.execute(sa.text("SELECT count(*) FROM conv_audit")).scalar_one())


def conventional_app(engine: sa.Engine, pad: list[str]) -> Flask:
    """The minimal Flask app of the conventional design (pad[0]: filler to match sizes)."""
    app = Flask("conventional")
    template = app.jinja_env.from_string(FRAGMENT)

    @app.post("/items/<item_id>/commands/report")
    def report(item_id: str) -> tuple[str, int]:
        form = request.form
        expected, note = int(form["expected_version"]), form["note"]
        percent = int(form["percent"]) if form.get("percent") else None
        now = datetime.now(UTC).replace(tzinfo=None)
        with engine.begin() as conn:
            done = conn.execute(items.update().where(
                items.c.id == item_id, items.c.version == expected,
                items.c.status.in_([s.value for s in WORKING])).values(
                status=Status.DOING.value, percent=percent, last_report_on=now.date(),
                last_activity=now, version=items.c.version + 1)).rowcount
            if not done:
                return "conflict", 409
            conn.execute(audit.insert().values(
                item_id=item_id, at=now, actor="bench",
                event_type=WorkItem.ProgressReported.__name__,
                data={"note": note, "percent": percent}))
        with engine.connect() as conn:
            row = conn.execute(sa.select(items).where(items.c.id == item_id)).mappings().one()
            journal = conn.execute(sa.select(audit).where(audit.c.item_id == item_id)
                                   .order_by(audit.c.seq)).mappings().all()
        return template.render(item=row, fields=FIELDS, actions=ACTIONS, journal=journal,
                               pad=pad[0]), 200

    return app


class ConventionalCommand:
    """Call i: POST a progress report for item i (round robin); returns the fragment's size.
    Set ``pad`` to render that many filler bytes more (to match the tracker's fragment)."""

    def __init__(self, engine: sa.Engine, item_ids: list[UUID]) -> None:
        self._pad = [""]
        self.call = _conventional_call(engine, item_ids, self._pad)

    @property
    def pad(self) -> int:
        return len(self._pad[0])

    @pad.setter
    def pad(self, size: int) -> None:
        self._pad[0] = "x" * size

    def __call__(self, i: int) -> int:
        return self.call(i)


def _conventional_call(engine: sa.Engine, item_ids: list[UUID],
                       pad: list[str]) -> Callable[[int], int]:
    client: FlaskClient = conventional_app(engine, pad).test_client()
    with engine.connect() as conn:
        versions: dict[str, Any] = dict(conn.execute(sa.select(items.c.id, items.c.version).where(
            items.c.id.in_([str(i) for i in item_ids]))).tuples().all())

    def call(i: int) -> int:
        key = str(item_ids[i % len(item_ids)])
        response = client.post(f"/items/{key}/commands/report", data={
            "note": f"进展 {i}", "percent": str(i % 100), "expected_version": versions[key]},
            headers={"HX-Request": "true"})
        if response.status_code != 200:
            raise RuntimeError(f"conventional route answered {response.status_code}")
        versions[key] += 1
        return len(response.data)

    return call


def dumps(value: Any) -> str:
    """JSON for the results file (dates and the like as text)."""
    return json.dumps(value, ensure_ascii=False, indent=1, default=str)
