"""The demo: the seed plan, dates shifted so today falls in the implementation phase, then a
realistic history applied through the real commands."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from tracker.application import TrackerApplication
from tracker.domain import WorkItem
from tracker.importer import ImportResult, import_plan
from tracker.permissions import SYSTEM, Actor
from tracker.planfile import PlanFile, parse_plan_file, shift_dates

ANCHOR = date(2012, 7, 15)  # where "today" falls in the seed's implementation phase (Apr–Sep)
REVIEWERS = ("secretary", "dean")


def demo_plan_text() -> str:
    """The seed plan file shipped inside the package."""
    return (Path(__file__).parent / "data" / "demo_plan.yaml").read_text("utf-8")


def demo_plan(today: date) -> PlanFile:
    """The seed plan with every date moved so that today is inside the implementation phase."""
    return shift_dates(parse_plan_file(demo_plan_text()), (today - ANCHOR).days)


def load_demo(app: TrackerApplication) -> ImportResult | None:
    """Import the demo plan and play its history once; a second call changes nothing."""
    pf = demo_plan(app.today())
    try:
        app.get_plan(pf.plan.key)
        return None
    except Exception:  # noqa: BLE001 - not there yet: load it
        pass
    result = import_plan(app, pf, SYSTEM)
    play_history(app, pf)
    return result


def _reviewer(item: WorkItem) -> Actor:
    key = next(r for r in REVIEWERS if r != item.owner)
    return Actor(key, "leader")


def play_history(app: TrackerApplication, pf: PlanFile) -> None:
    """Walk the items by due date and give them the life a real plan has by mid-year."""
    today = app.today()
    items = sorted((app.get_item(it.key, pf.plan.key) for it in pf.items),
                   key=lambda i: (i.due, i.key))
    past = [i for i in items if i.due < today]
    future = [i for i in items if i.due >= today]
    for n, item in enumerate(past):
        owner = Actor(item.owner, "member")
        app.execute(item.id, "start", owner)
        app.execute(item.id, "report", owner, note="已按计划推进，完成主要环节。", percent=60,
                    on=item.due - timedelta(days=7))
        if n % 4 == 3:  # left overdue and chased
            app.execute(item.id, "chase", Actor("deputy_secretary", "leader")
                        if item.owner != "deputy_secretary" else Actor("secretary", "leader"),
                        note="已超期，请尽快办结并反馈。")
            continue
        late = n % 3 == 1
        done_on = item.due + timedelta(days=6) if late else item.due - timedelta(days=1)
        app.execute(item.id, "submit", owner, outcome="已完成，材料已归档。",
                    evidence=["会议纪要.pdf"], on=min(done_on, today))
        if n == 2:  # one completion returned, then resubmitted
            app.execute(item.id, "return", _reviewer(item), reason="材料不全，请补充签到表。")
            app.execute(item.id, "submit", owner, outcome="已补充签到表。",
                        evidence=["签到表.pdf"], on=min(done_on + timedelta(days=3), today))
        app.execute(item.id, "accept", _reviewer(item), note="验收通过。")
    for n, item in enumerate(future[:8]):
        owner = Actor(item.owner, "member")
        app.execute(item.id, "start", owner)
        app.execute(item.id, "report", owner, note="正在推进。", percent=20 + 10 * n,
                    on=today - timedelta(days=n))
        if n == 0:
            new_due = min(item.due + timedelta(days=20), pf.plan.ends)
            app.execute(item.id, "request-extension", owner, new_due=new_due,
                        reason="配合学校统一安排，需要顺延。")
            app.execute(item.id, "decide-extension", _reviewer(item), grant=True, note="同意。")
        if n == 1:
            app.execute(item.id, "request-extension", owner,
                        new_due=min(item.due + timedelta(days=30), pf.plan.ends),
                        reason="人手不足。")
            app.execute(item.id, "decide-extension", _reviewer(item), grant=False,
                        note="时间节点不能推迟，请加派人手。")
        if n == 2:
            new_owner = next(p.key for p in pf.people if p.key not in (item.owner, "secretary"))
            app.execute(item.id, "reassign", Actor("secretary", "leader"), owner=new_owner,
                        reason="工作调整，改由其负责。")
        if n == 3:
            app.execute(item.id, "chase", Actor("secretary", "leader")
                        if item.owner != "secretary" else Actor("dean", "leader"),
                        note="临近时限，请抓紧。")
