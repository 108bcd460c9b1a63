"""A fast generator of realistic stores: plans, units, people and items with full lifecycles.

Aggregates are built in memory and saved in big batches (one transaction per ``batch``
events). Lifecycles are interleaved round by round under a simulated clock that runs through
the plan year, so the log looks like a real one: aggregates mixed, timestamps increasing.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest import mock
from uuid import UUID

from eventsourcing.domain import Aggregate

from tracker.application import TrackerApplication
from tracker.domain import Person, Plan, Unit, WorkItem
from tracker.domain.status import Status

STARTS, ENDS = date(2012, 1, 1), date(2012, 12, 31)
PERIOD = (STARTS, ENDS)
YEAR_START = datetime(2012, 1, 2, 1, 0, tzinfo=UTC)
EVENTS_PER_ITEM = 9  # what the lifecycle mix below averages (measured, roughly)
Step = tuple[str, Callable[[WorkItem], dict[str, Any]]]


class SimClock:
    """Event timestamps for the generator: advances a fixed step at every event."""

    def __init__(self, start: datetime, step: timedelta) -> None:
        self.now, self.step = start, step

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now


@contextmanager
def simulated_time(clock: SimClock) -> Iterator[None]:
    """Make the library stamp events with the simulated clock."""
    with mock.patch("eventsourcing.domain.datetime_now_with_tzinfo", clock):
        yield


@dataclass
class Generated:
    """What the generator wrote: enough for the measurements to pick their subjects."""

    plans: dict[str, list[UUID]] = field(default_factory=dict)  # plan key -> item ids
    people: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    doing: dict[str, list[UUID]] = field(default_factory=dict)  # plan key -> items in progress
    events: int = 0
    seconds: float = 0.0
    clock_end: datetime = YEAR_START


class Saver:
    """Collects changed aggregates and saves them in batches."""

    def __init__(self, app: TrackerApplication, batch: int) -> None:
        self.app, self.batch = app, batch
        self.pending: dict[UUID, Aggregate] = {}
        self.count = 0
        self.events = 0

    def add(self, aggregate: Aggregate) -> None:
        if aggregate.id in self.pending:  # one aggregate once per batch keeps order simple
            self.flush()
        self.pending[aggregate.id] = aggregate
        self.count += len(aggregate.pending_events)
        if self.count >= self.batch:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.app.save(*self.pending.values())
            self.events += self.count
            self.pending.clear()
            self.count = 0


def lifecycle(rng: random.Random, leaders: list[str], people: list[str]) -> list[Step]:
    """A plausible sequence of decisions for one item (the owner is read at apply time)."""
    lead = lambda: rng.choice(leaders)  # noqa: E731
    if rng.random() < 0.1:  # never started: a comment or a chase at most
        return [("comment", lambda i: {"actor": i.owner, "text": "计划下周启动。"})]
    steps: list[Step] = [("start", lambda i: {"actor": i.owner})]
    for n in range(rng.randint(3, 6)):
        pct = min(90, 20 * (n + 1))
        steps.append(("report_progress", lambda i, p=pct: {
            "actor": i.owner, "note": f"已完成{p}%，按计划推进。", "percent": p}))
    if rng.random() < 0.3:
        steps.append(("chase", lambda i: {"actor": lead(), "note": "请加快进度，按时办结。"}))
    if rng.random() < 0.4:
        steps.append(("comment", lambda i: {"actor": lead(), "text": "已阅，注意收集佐证材料。"}))
    if rng.random() < 0.2:
        steps.append(("request_extension", lambda i: {
            "actor": i.owner, "new_due": min(ENDS, i.due + timedelta(days=30)),
            "reason": "配合单位调整时间安排", "period": PERIOD}))
        steps.append(("decide_extension", lambda i: {
            "actor": lead(), "grant": rng.random() < 0.7, "note": "同意"}))
    if rng.random() < 0.05:
        steps.append(("reassign", lambda i: {
            "actor": lead(), "owner": rng.choice([p for p in people if p != i.owner]),
            "reason": "工作调整"}))
    ending = rng.random()
    submit: Step = ("submit_completion", lambda i: {
        "actor": i.owner, "outcome": "按要求完成，材料已归档。", "evidence": ["会议纪要.pdf"]})
    if ending < 0.5:
        steps.append(submit)
        if rng.random() < 0.15:
            steps += [("return_completion", lambda i: {"actor": lead(), "reason": "佐证材料不全"}),
                      ("report_progress", lambda i: {"actor": i.owner, "note": "补充材料"}),
                      submit]
        steps.append(("accept", lambda i: {"actor": lead(), "note": "验收通过"}))
    elif ending < 0.6:
        steps.append(submit)
    elif ending < 0.65:
        steps.append(("cancel", lambda i: {"actor": lead(), "reason": "任务合并"}))
    return steps


def _reference(app: TrackerApplication, saver: Saver, plan_sizes: list[int],
               rng: random.Random, out: Generated, people_for: int | None = None) -> None:
    total = people_for or sum(plan_sizes)
    n_people, n_units = max(12, total // 40), max(4, total // 150)
    out.leaders = [f"lead{n:03d}" for n in range(max(3, n_people // 10))]
    out.people = [f"p{n:05d}" for n in range(n_people)]
    for key in out.leaders:
        saver.add(Person.create(actor="system", key=key, name=f"领导{key[4:]}",
                                role=rng.choice(("group_leader", "deputy"))))
    for key in out.people:
        saver.add(Person.create(actor="system", key=key, name=f"成员{key[1:]}", role="member"))
    out.units = [f"u{n:04d}" for n in range(n_units)]
    for key in out.units:
        saver.add(Unit.create(actor="system", key=key, name=f"第{key[1:]}支部",
                              liaisons=[rng.choice(out.leaders)]))
    goals = [{"key": f"G{n}", "title": f"目标{n}：提高支部战斗力"} for n in range(1, 6)]
    windows = [(date(2012, 1, 1), date(2012, 3, 31)), (date(2012, 4, 1), date(2012, 4, 15)),
               (date(2012, 4, 16), date(2012, 9, 30)), (date(2012, 10, 1), date(2012, 12, 31))]
    phases = [{"key": f"P{n}", "title": f"阶段{n}", "starts": s, "ends": e}
              for n, (s, e) in enumerate(windows, 1)]
    for n, _size in enumerate(plan_sizes):
        key = f"plan{n}"
        saver.add(Plan.create(actor="system", key=key, title=f"基层组织建设年活动 {n}",
                              starts=STARTS, ends=ENDS, goals=goals, phases=phases))
        out.plans[key] = []


def generate(app: TrackerApplication, plan_sizes: list[int], seed: int = 2012,
             batch: int = 3000, people_for: int | None = None) -> Generated:
    """Write plans of the given item counts with full lifecycles; return what was written.
    people_for: size the people and units as for a store of that many items (so the first
    plan alone gets the same items, owners and units as in a bigger store of the same seed)."""
    import time

    began = time.perf_counter()
    rng = random.Random(seed)
    out = Generated()
    total = sum(plan_sizes)
    clock = SimClock(YEAR_START, timedelta(days=330) / max(1, total * EVENTS_PER_ITEM))
    saver = Saver(app, batch)
    with simulated_time(clock):
        _reference(app, saver, plan_sizes, rng, out, people_for)
        items: list[tuple[WorkItem, list[Step]]] = []
        everything: list[WorkItem] = []
        for (plan_key, ids), size in zip(out.plans.items(), plan_sizes, strict=True):
            for n in range(size):
                due = STARTS + timedelta(days=rng.randint(40, 360))
                parent = f"i{n - n % 50}" if n % 50 and rng.random() < 0.3 else None
                item = WorkItem.create(
                    actor="system", plan_key=plan_key, period=PERIOD, key=f"i{n}",
                    title=f"第{n}项：落实支部工作责任制（{plan_key}）",
                    owner=rng.choice(out.people),
                    lead_unit=rng.choice(out.units), due=due, units=[rng.choice(out.units)],
                    phase=f"P{rng.randint(1, 4)}", goal=f"G{rng.randint(1, 5)}",
                    deliverable="会议纪要、签到表", description="按照方案要求组织实施。",
                    parent=parent, report_every_days=rng.choice((None, 14, 30)))
                ids.append(item.id)
                saver.add(item)
                everything.append(item)
                items.append((item, lifecycle(rng, out.leaders, out.people)))
        rng.shuffle(items)
        step = 0
        while items:
            live = []
            for item, steps in items:
                method, make_args = steps[step]
                getattr(item, method)(**make_args(item))
                saver.add(item)
                if step + 1 < len(steps):
                    live.append((item, steps))
            items, step = live, step + 1
        saver.flush()
    for plan_key in out.plans:
        out.doing[plan_key] = [i.id for i in everything
                               if i.plan_key == plan_key and i.status == Status.DOING][:400]
    out.events, out.clock_end = saver.events, clock.now
    out.seconds = time.perf_counter() - began
    return out

