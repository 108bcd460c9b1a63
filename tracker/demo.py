"""The demo: the seed plan, dates shifted so today falls in the implementation phase, its year
so far played through the real commands on a simulated clock (see tracker.simclock)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tracker.application import TrackerApplication
from tracker.demo_history import play_history
from tracker.importer import ImportResult, import_plan
from tracker.permissions import SYSTEM
from tracker.planfile import PlanFile, parse_plan_file, shift_dates
from tracker.simclock import simulated

ANCHOR = date(2012, 7, 15)  # where "today" falls in the seed's implementation phase (Apr–Sep)
DEMO_PLAN_KEY = "ogy"


@dataclass(frozen=True)
class DemoResult:
    """What loading the demo wrote, and over which recorded days."""

    imported: ImportResult
    events: int
    first_day: date
    last_day: date
    simulated: bool


def demo_plan_text() -> str:
    """The seed plan file shipped inside the package."""
    return (Path(__file__).parent / "data" / "demo_plan.yaml").read_text("utf-8")


def demo_plan(today: date) -> PlanFile:
    """The seed plan with every date moved so that today is inside the implementation phase."""
    return shift_dates(parse_plan_file(demo_plan_text()), (today - ANCHOR).days)


def load_demo(app: TrackerApplication) -> DemoResult | None:
    """Import the demo plan and play its history once; a second call changes nothing."""
    today = app.today()
    pf = demo_plan(today)
    try:
        app.get_plan(pf.plan.key)
        return None
    except Exception:  # noqa: BLE001 - not there yet: load it
        pass
    before = app.recorder.max_notification_id() or 0
    sim = simulated(app, pf.plan.starts)
    player = sim or app
    try:
        result = import_plan(player, pf, SYSTEM)
        play_history(player, pf, today)
    finally:
        if sim is not None:
            sim.close()
    events = (app.recorder.max_notification_id() or 0) - before
    return DemoResult(result, events, pf.plan.starts if sim else today, today, sim is not None)
