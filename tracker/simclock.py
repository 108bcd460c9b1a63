"""A simulated clock for the demo only: its own application stamps the events it saves with the
clock's time, so a demo history is recorded over the months it tells of.

The clock lives in a separate application object that only ``tracker demo`` builds; the
application every other command, the web and the projections use stamps events with the real
time, as the library does.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from eventsourcing.persistence import Mapper, StoredEvent

from tracker.application import TrackerApplication


class SimClock:
    """A settable clock; each reading moves on a millisecond so timestamps stay increasing."""

    def __init__(self, timezone: ZoneInfo, day: date) -> None:
        self.timezone = timezone
        self.now = datetime.combine(day, time(9), tzinfo=timezone).astimezone(UTC)

    def set_day(self, day: date) -> None:
        """Move to 09:00 (local) of a later day; never back."""
        morning = datetime.combine(day, time(9), tzinfo=self.timezone).astimezone(UTC)
        self.now = max(self.now, morning)

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


class StampingMapper(Mapper[Any]):
    """The library's mapper, but each saved event carries the simulated clock's time."""

    def __init__(self, clock: SimClock, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        """The stored event, stamped with the simulated time."""
        stamped = copy.copy(domain_event)
        object.__setattr__(stamped, "timestamp", self.clock())
        return super().to_stored_event(stamped)


class SimulatedApplication(TrackerApplication):
    """The tracker on a simulated clock: used by ``tracker demo`` and nothing else."""

    name = "tracker"  # the same event tables as the real application

    def __init__(self, env: dict[str, str], timezone: ZoneInfo, clock: SimClock) -> None:
        self.sim = clock
        super().__init__(env=env, timezone=timezone, clock=clock)

    def construct_mapper(self) -> Mapper[Any]:
        """A mapper that stamps events with the simulated clock."""
        return StampingMapper(self.sim, transcoder=self.construct_transcoder())


def simulated(app: TrackerApplication, start: date) -> SimulatedApplication | None:
    """A simulated-clock twin of app on the same (empty, persistent) store, or None when the
    store already holds events or lives in memory (then the history is recorded as of now)."""
    env = {k: str(v) for k, v in app.env.items()}
    if any(":memory:" in v or "mode=memory" in v for v in env.values()):
        return None
    if app.recorder.max_notification_id():
        return None
    env["CREATE_TABLE"] = "false"
    return SimulatedApplication(env, app.timezone, SimClock(app.timezone, start))
