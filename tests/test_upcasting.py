"""Stored events of an older class version load into today's classes through upcasters."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from tracker.application import TrackerApplication
from tracker.permissions import Actor

FIXTURE = Path(__file__).parent / "fixtures" / "events_v1.json"


def load_v1_events(app: TrackerApplication) -> None:
    events = json.loads(FIXTURE.read_text("utf-8"))["events"]
    app.recorder.insert_events([
        StoredEvent(originator_id=UUID(e["originator_id"]),
                    originator_version=e["originator_version"], topic=e["topic"],
                    state=json.dumps(e["state"]).encode("utf-8"))
        for e in events])


def test_fixture_really_holds_version_1_events() -> None:
    events = json.loads(FIXTURE.read_text("utf-8"))["events"]
    created = next(e for e in events if e["topic"].endswith("WorkItem.Created"))
    assert "class_version" not in created["state"] and "parent" not in created["state"]


def test_version_1_events_load_through_upcasters(app: TrackerApplication) -> None:
    load_v1_events(app)
    item = app.get_item("old", "legacy")
    assert (item.title, item.parent, item.report_every_days) == ("旧事项", None, None)
    assert (item.percent, item.status) == (50, "doing")
    progress = list(app.events.get(item.id))[-1]
    assert type(progress).__name__ == "ProgressReported" and progress.on is None  # type: ignore[attr-defined]
    assert progress.mentions == []  # type: ignore[attr-defined]


def test_upcast_item_accepts_new_commands_and_stores_current_version(
        app: TrackerApplication) -> None:
    load_v1_events(app)
    item = app.get_item("old", "legacy")
    app.execute(item.id, "report", Actor("owner", "member"), expected_version=item.version,
                note="更新", percent=80, on="2012-06-01")
    newest = app.recorder.select_events(item.id, desc=True, limit=1)[0]
    assert json.loads(newest.state)["class_version"] == 3  # v3: the note's mentions
    assert app.get_item(item.id).last_report_on == date(2012, 6, 1)
