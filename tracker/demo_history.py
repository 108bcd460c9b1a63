"""The demo plan's year so far, as dated steps run through the real commands in day order.

Each step is recorded on its own day (the simulated clock is set to it), so "as of" any day
since the plan started shows that day's board; a few facts are entered days after the date
they took effect (back-filled 补录), as real organisations do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from tracker.application import TrackerApplication
from tracker.domain import WorkItem
from tracker.permissions import SYSTEM, Actor
from tracker.planfile import PlanFile
from tracker.simclock import SimulatedApplication

REVIEWERS = ("secretary", "dean")
ADMIN = Actor("secretary", "admin")
Step = tuple[date, int, Callable[[TrackerApplication], Any]]
LOW = {"leadership": 70, "membership": 68, "mechanisms": 72, "results": 66, "reputation": 70}
MID = {"leadership": 82, "membership": 80, "mechanisms": 84, "results": 78, "reputation": 80}
HIGH = {"leadership": 93, "membership": 92, "mechanisms": 94, "results": 91, "reputation": 95}


def _reviewer(item: WorkItem) -> Actor:
    return Actor(next(r for r in REVIEWERS if r != item.owner), "leader")


def _chaser(item: WorkItem) -> Actor:
    return Actor("secretary" if item.owner != "secretary" else "dean", "leader")


class Schedule:
    """Steps collected per item, then run in day order (an item's own steps keep theirs)."""

    def __init__(self, first: date, today: date) -> None:
        self.first, self.today, self.steps = first, today, list[Step]()

    def day(self, day: date) -> date:
        """The day clamped into [plan start + 1, today]."""
        return min(max(day, self.first + timedelta(days=1)), self.today)

    def add(self, day: date, run: Callable[[TrackerApplication], Any]) -> date:
        """Add a step on day (clamped); the day it got."""
        day = self.day(day)
        self.steps.append((day, len(self.steps), run))
        return day

    def item(self, item: WorkItem, command: str, actor: Actor, day: date, **values: Any) -> date:
        """An item command on day."""
        return self.add(day, lambda app: app.execute(item.id, command, actor, **values))


def _past(s: Schedule, item: WorkItem, n: int) -> None:
    """An item due before today: started, reported on, then done (late or on time) or left
    overdue and chased; some completions entered days later (back-filled)."""
    owner = Actor(item.owner, "member")
    started = s.item(item, "start", owner, item.due - timedelta(days=12))
    on = s.day(max(item.due - timedelta(days=7), started))
    s.item(item, "report", owner, on, note="已按计划推进，完成主要环节。", percent=60, on=on)
    if n % 4 == 3:
        s.item(item, "chase", _chaser(item), item.due + timedelta(days=3),
               note="已超期，请尽快办结并反馈。")
        return
    done_on = s.day(max(item.due + timedelta(days=6) if n % 3 == 1 else
                        item.due - timedelta(days=1), on))
    entered = done_on + timedelta(days=5) if n % 5 == 2 else done_on
    last = s.item(item, "submit", owner, entered, outcome="已完成，材料已归档。",
                  evidence=["会议纪要.pdf"], on=done_on)
    if n == 2:
        s.item(item, "return", _reviewer(item), last + timedelta(days=1),
               reason="材料不全，请补充签到表。")
        again = s.day(last + timedelta(days=3))
        last = s.item(item, "submit", owner, again, outcome="已补充签到表。",
                      evidence=["签到表.pdf"], on=again)
    s.add(last + timedelta(days=1), lambda app: _accept(app, item))


def _accept(app: TrackerApplication, item: WorkItem) -> Any:
    """A reviewer accepts; over sub-items still open only with the reason recorded."""
    open_children = app.open_children(app.get_item(item.id))
    return app.execute(item.id, "accept", _reviewer(item), note="验收通过。",
                       reason="子项按各自时限另行验收。" if open_children else "")


def _current(s: Schedule, item: WorkItem, n: int, pf: PlanFile) -> None:
    """An item due from today on: started weeks ago, reported on, and one of the everyday
    turns (extension granted or refused, reassigned, chased, brought forward)."""
    today, owner = s.today, Actor(item.owner, "member")
    started = s.item(item, "start", owner, today - timedelta(days=40 - 3 * n))
    first = s.day(started + timedelta(days=7))
    s.item(item, "report", owner, first, note="已启动，正在推进。", percent=10, on=first)
    if n == 0:
        s.item(item, "request-extension", owner, today - timedelta(days=6),
               new_due=min(item.due + timedelta(days=20), pf.plan.ends),
               reason="配合学校统一安排，需要顺延。")
        s.item(item, "decide-extension", _reviewer(item), today - timedelta(days=5), grant=True,
               note="同意。")
    if n == 1:
        s.item(item, "request-extension", owner, today - timedelta(days=4),
               new_due=min(item.due + timedelta(days=30), pf.plan.ends), reason="人手不足。")
        s.item(item, "decide-extension", _reviewer(item), today - timedelta(days=3), grant=False,
               note="时间节点不能推迟，请加派人手。")
    if n == 2:
        new_owner = next(p.key for p in pf.people if p.key not in (item.owner, "secretary"))
        s.item(item, "reassign", Actor("secretary", "leader"), today - timedelta(days=9),
               owner=new_owner, reason="工作调整，改由其负责。")
        owner = Actor(new_owner, "member")
    if n == 3:
        s.item(item, "chase", _chaser(item), today - timedelta(days=2), note="临近时限，请抓紧。")
    if n in (4, 5):  # brought forward: due within the warning window today (yellow)
        s.item(item, "reschedule", Actor("secretary", "leader"), today - timedelta(days=8),
               due=today + timedelta(days=n - 3), reason="学校检查提前，需提前完成。")
        # A due-date change is a request; someone other than who asked decides it.
        s.item(item, "decide-extension", SYSTEM, today - timedelta(days=8), grant=True,
               note="同意调整。")
    s.item(item, "report", owner, today - timedelta(days=n), note="正在推进。",
           percent=20 + 10 * n, on=today - timedelta(days=n))


def _assessments(s: Schedule, plan_key: str) -> None:
    """One unit assessed twice and moved up a grade; one assessment entered late (补录)."""
    today = s.today

    def assess(unit: str, label: str, on: date, scores: dict[str, int]) -> Callable[..., Any]:
        return lambda app: app.assess_unit(ADMIN, unit, plan_key, label=label, on=on,
                                           self_scores=scores, superior_scores=scores)
    first = s.day(today - timedelta(days=75))
    s.add(first, assess("graduates", "年中考评", first, LOW))
    second = s.day(today - timedelta(days=12))
    s.add(second, assess("graduates", "第三季度考评", second, MID))
    s.add(second, assess("teachers", "第三季度考评", second, HIGH))
    s.add(today - timedelta(days=3), assess("students", "第三季度考评", second, MID))


def play_history(app: TrackerApplication, pf: PlanFile, today: date) -> None:
    """Give the plan the life a real plan has by mid-year, each step on its own day."""
    s = Schedule(pf.plan.starts, today)
    items = sorted((app.get_item(it.key, pf.plan.key) for it in pf.items),
                   key=lambda i: (i.due, i.key))
    for n, item in enumerate(i for i in items if i.due < today):
        _past(s, item, n)
    for n, item in enumerate([i for i in items if i.due >= today][:8]):
        _current(s, item, n, pf)
    _assessments(s, pf.plan.key)
    for day, _, run in sorted(s.steps, key=lambda step: (step[0], step[1])):
        if isinstance(app, SimulatedApplication):
            app.sim.set_day(day)
        run(app)
