"""The WorkItem aggregate: one concrete piece of work with a responsible owner and a deadline.

Public methods decide (check the rules of ``tracker.domain.lifecycle``, raise a named error)
and trigger an event; each event's ``effect`` is the only code that changes an item's state,
so the aggregate and the read models (through ``evolve``) can never disagree, and replaying
old events never re-runs today's rules.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from tracker.domain.base import (
    check_date,
    check_in_period,
    clean_text,
    clean_title,
    item_id,
)
from tracker.domain.mentions import mentions
from tracker.domain.state import RESTORED, ItemState, replace
from tracker.domain.status import OPEN_STATUSES, STATUSES, Status
from tracker.errors import N_, IllegalStateError, ValidationError

CITED = "sha256:"  # an evidence link naming a stored file: sha256:<hex> <name>

__all__ = ["EDITABLE_FIELDS", "OPEN_STATUSES", "STATUSES", "ItemState", "WorkItem", "evolve"]

EDITABLE_FIELDS = ("title", "deliverable", "description")


class _Effect:
    """An item event's effect on the item's state: a pure function of the two."""

    def effect(self, s: ItemState, on: date) -> ItemState:
        """The state after this event (``on``: the day it happened); the default changes none."""
        return s

    def apply(self, aggregate: Any) -> None:
        aggregate.state = self.effect(aggregate.state, self.timestamp.date())  # type: ignore[attr-defined]


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _milestone(m: dict[str, Any], n: int, period: tuple[date, date]) -> dict[str, Any]:
    """A checked milestone (节点): its key, title, due date inside the period, deliverable."""
    due = check_date(m.get("due"), "due")
    check_in_period(due, *period, field="due")
    return {"key": str(m.get("key") or n), "title": clean_title(m.get("title")),
            "due": due.isoformat(),
            "deliverable": clean_text(m.get("deliverable") or "", "deliverable"),
            "done_on": None}


def _notice_step(s: ItemState, step: str, on: date, **extra: Any) -> ItemState:
    """The state with the oldest notice still waiting for this step marked as done on a day."""
    n = s.notice_waiting(step)
    if n is None:
        return s
    notices = list(s.notices)
    notices[n] = {**notices[n], step: on, **extra}
    return replace(s, notices=notices)


def _iso(day: date | str) -> str:
    return day if isinstance(day, str) else day.isoformat()


def _decided(s: ItemState, decision: Any, on: date, granted: bool) -> list[dict[str, Any]]:
    """The due-date requests with the one waiting marked as decided."""
    out = [dict(r) for r in s.due_requests]
    waiting = next((r for r in reversed(out) if r.get("granted") is None), None)
    if waiting is not None:
        waiting.update(granted=granted, decided_by=decision.actor, decided_on=on.isoformat(),
                       as_admin=bool(getattr(decision, "as_admin", False)))
    return out


def _by_role(state: dict[str, Any]) -> None:
    """Decisions stored before v2 did not say whether an administrator took them as such."""
    state.setdefault("as_admin", False)


def evolve(state: ItemState | None, event: Any, on: date) -> ItemState:
    """An item's next state after one of its events (``on``: the day the event happened)."""
    return event.effect(state or ItemState(), on)  # type: ignore[no-any-return]


class WorkItem(Aggregate):
    """A work item 工作项目: title, deliverable, owner, units, due date, phase, goal, status."""

    class Event(_Effect, Aggregate.Event):
        """Every item event: it carries the actor."""

        actor: str

    @staticmethod
    def create_id(plan_key: str, key: str, **_: Any) -> UUID:
        return item_id(plan_key, key)

    @classmethod
    def create(cls, *, actor: str, plan_key: str, period: tuple[date, date], key: str,
               title: str, owner: str, lead_unit: str, due: date,
               units: list[str] | None = None, phase: str | None = None,
               goal: str | None = None, deliverable: str = "", description: str = "",
               parent: str | None = None, report_every_days: int | None = None,
               leaders: list[str] | None = None, co_leads: list[str] | None = None,
               milestones: list[dict[str, Any]] | None = None) -> WorkItem:
        """Decide to create an item; references were checked by the application."""
        check_in_period(check_date(due, "due"), *period, field="due")
        steps = [_milestone(m, n, period) for n, m in enumerate(milestones or [], 1)]
        if report_every_days is not None and (
            isinstance(report_every_days, bool)
            or not isinstance(report_every_days, int)
            or not 1 <= report_every_days <= 366
        ):
            raise ValidationError(
                N_("The report cadence must be a whole number of days, 1 to 366."),
                field="report_every_days")
        co = [u for u in dict.fromkeys(co_leads or []) if u != lead_unit]
        supporting = [u for u in dict.fromkeys(units or []) if u != lead_unit and u not in co]
        return cls(
            actor=actor, plan_key=plan_key, key=key, title=clean_title(title),
            deliverable=clean_text(deliverable, "deliverable"),
            description=clean_text(description, "description"), owner=owner,
            lead_unit=lead_unit, units=supporting, due=due, phase=phase, goal=goal,
            parent=parent, report_every_days=report_every_days,
            leaders=list(dict.fromkeys(leaders or [])), co_leads=co, milestones=steps,
        )

    class Created(_Effect, Aggregate.Created):
        """v2 added parent and report_every_days (decomposition and report cadence); v3 the
        responsible leaders, co-lead units and milestones."""

        class_version = 3
        actor: str
        plan_key: str
        key: str
        title: str
        deliverable: str
        description: str
        owner: str
        lead_unit: str
        units: list[str]
        due: date
        phase: str | None
        goal: str | None
        parent: str | None
        report_every_days: int | None
        leaders: list[str]
        co_leads: list[str]
        milestones: list[dict[str, Any]]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.setdefault("parent", None)
            state.setdefault("report_every_days", None)

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state.setdefault("leaders", [])
            state.setdefault("co_leads", [])
            state.setdefault("milestones", [])

        def effect(self, s: ItemState, on: date) -> ItemState:
            return ItemState(
                plan_key=self.plan_key, key=self.key, title=self.title,
                deliverable=self.deliverable, description=self.description, owner=self.owner,
                lead_unit=self.lead_unit, units=list(self.units), due=self.due,
                original_due=self.due, phase=self.phase, goal=self.goal, parent=self.parent,
                report_every_days=self.report_every_days, leaders=list(self.leaders),
                co_leads=list(self.co_leads),
                milestones=[dict(m, due=_day(m["due"])) for m in self.milestones])

    @event(Created)
    def __init__(self, *, actor: str, plan_key: str, key: str, title: str, deliverable: str,
                 description: str, owner: str, lead_unit: str, units: list[str], due: date,
                 phase: str | None, goal: str | None, parent: str | None,
                 report_every_days: int | None, leaders: list[str], co_leads: list[str],
                 milestones: list[dict[str, Any]]) -> None:
        self.state = ItemState()  # Created.effect sets it, once this returns

    def __getattr__(self, name: str) -> Any:
        # The item's facts (status, owner, due …) are read from its state.
        if name != "state" and name in ItemState.__dataclass_fields__:
            return getattr(self.state, name)
        raise AttributeError(name)

    @property
    def is_open(self) -> bool:
        return self.state.is_open

    # -- the events and what each does to the state -------------------------------------------

    class Edited(Event):
        changes: dict[str, list[str]]

        def effect(self, s: ItemState, on: date) -> ItemState:
            changed: dict[str, Any] = {f: new for f, (_old, new) in self.changes.items()}
            return replace(s, **changed)

    class DeliverableChangeRequested(Event):
        deliverable: str
        reason: str

        def effect(self, s: ItemState, on: date) -> ItemState:
            request = {"deliverable": self.deliverable, "reason": self.reason, "by": self.actor}
            return replace(s, pending_deliverable=request)

    class DeliverableChanged(Event):
        """By a reviewer with a reason, or an owner's request granted (``asked_by``); v2
        says whether an administrator without a role in the plan decided (``as_admin``)."""

        class_version = 2
        old: str
        deliverable: str
        reason: str
        asked_by: str | None
        as_admin: bool
        upcast_v1_v2 = staticmethod(_by_role)

        def effect(self, s: ItemState, on: date) -> ItemState:
            return replace(s, deliverable=self.deliverable, pending_deliverable=None,
                           deliverable_changes=s.deliverable_changes + 1)

    class DeliverableChangeRefused(Event):
        class_version = 2
        note: str
        as_admin: bool
        upcast_v1_v2 = staticmethod(_by_role)

        def effect(self, s: ItemState, on: date) -> ItemState:
            return replace(s, pending_deliverable=None)

    class Commented(Event):
        """v2 added the people the text mentions (``mentions``: [words after the @, key])."""

        class_version = 2
        text: str
        mentions: list[list[str]]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.setdefault("mentions", [])

    class Started(Event):
        def effect(self, s: ItemState, on: date) -> ItemState:
            return replace(s, status=Status.DOING)

    class ProgressReported(Event):
        """v2 added the date the progress happened (``on``); v3 the people the note mentions."""

        class_version = 3
        note: str
        percent: int | None
        on: date | None
        mentions: list[list[str]]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.setdefault("on", None)

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state.setdefault("mentions", [])

        def effect(self, s: ItemState, on: date) -> ItemState:
            status = Status.DOING if s.status == Status.TODO else s.status
            percent = s.percent if self.percent is None else self.percent
            return replace(s, status=status, percent=percent, last_report_on=self.on or on)

    class NoticeIssued(Event):
        """A supervision notice 督办单: what is required and by when the owner must reply."""

        requirement: str
        reply_by: date

        def effect(self, s: ItemState, on: date) -> ItemState:
            notice = {"requirement": self.requirement, "reply_by": self.reply_by,
                      "by": self.actor, "issued_on": on, "acknowledged_on": None,
                      "answered_on": None, "reply": None}
            return replace(s, notices=[*s.notices, notice])

    class NoticeAcknowledged(Event):
        """The owner signed for the oldest notice not yet acknowledged 签收."""

        def effect(self, s: ItemState, on: date) -> ItemState:
            return _notice_step(s, "acknowledged_on", on)

    class NoticeAnswered(Event):
        """The owner's reply 反馈 to the oldest unanswered notice (also a progress report)."""

        reply: str

        def effect(self, s: ItemState, on: date) -> ItemState:
            s = _notice_step(s, "answered_on", on, reply=self.reply)
            return replace(s, last_report_on=on)

    class Chased(Event):
        note: str

        def effect(self, s: ItemState, on: date) -> ItemState:
            return replace(s, chases=s.chases + 1)

    class ExtensionRequested(Event):
        new_due: date
        reason: str

        def effect(self, s: ItemState, on: date) -> ItemState:
            request = {"new_due": self.new_due, "reason": self.reason, "by": self.actor}
            asked = {"new_due": _iso(self.new_due), "by": self.actor, "on": on.isoformat(),
                     "granted": None, "decided_by": None, "decided_on": None, "as_admin": False}
            return replace(s, pending_extension=request, due_requests=[*s.due_requests, asked])

    class ExtensionGranted(Event):
        class_version = 2
        old_due: date
        new_due: date
        note: str
        as_admin: bool
        upcast_v1_v2 = staticmethod(_by_role)

        def effect(self, s: ItemState, on: date) -> ItemState:
            return replace(s, due=self.new_due, pending_extension=None,
                           due_changes=s.due_changes + 1,
                           due_requests=_decided(s, self, on, granted=True))

    class ExtensionRefused(Event):
        class_version = 2
        note: str
        as_admin: bool
        upcast_v1_v2 = staticmethod(_by_role)

        def effect(self, s: ItemState, on: date) -> ItemState:
            return replace(s, pending_extension=None,
                           due_requests=_decided(s, self, on, granted=False))

    class Rescheduled(Event):
        """A due date set directly (recorded before due dates needed a decision; still read)."""

        old_due: date
        due: date
        reason: str

        def effect(self, s: ItemState, on: date) -> ItemState:
            direct = {"new_due": _iso(self.due), "by": self.actor, "on": on.isoformat(),
                      "granted": True, "decided_by": self.actor, "decided_on": on.isoformat(),
                      "as_admin": False}
            return replace(s, due=self.due, due_changes=s.due_changes + 1,
                           due_requests=[*s.due_requests, direct])

    class Reassigned(Event):
        old_owner: str
        owner: str
        reason: str

        def effect(self, s: ItemState, on: date) -> ItemState:
            return replace(s, owner=self.owner)

    class UnitsChanged(Event):
        old_lead_unit: str
        old_units: list[str]
        lead_unit: str
        units: list[str]

        def effect(self, s: ItemState, on: date) -> ItemState:
            return replace(s, lead_unit=self.lead_unit, units=list(self.units))

    class Escalated(Event):
        to: str
        reason: str

        def effect(self, s: ItemState, on: date) -> ItemState:
            return replace(s, escalated_to=self.to, escalations=s.escalations + 1)

    class CompletionSubmitted(Event):
        outcome: str
        evidence: list[str]
        on: date | None

        def effect(self, s: ItemState, on: date) -> ItemState:
            completion = {"outcome": self.outcome, "evidence": list(self.evidence),
                          "on": self.on or on, "by": self.actor}
            return replace(s, status=Status.SUBMITTED, completion=completion)

    class Accepted(Event):
        """v2: the sub-items still open when it was accepted and why (``open_children``,
        ``reason``), and whether an administrator without a role in the plan decided."""

        class_version = 2
        note: str
        reason: str
        open_children: list[str]
        as_admin: bool

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.setdefault("reason", "")
            state.setdefault("open_children", [])
            _by_role(state)

        def effect(self, s: ItemState, on: date) -> ItemState:
            # a request for more time lapses with the acceptance (nothing is left to be late)
            return replace(s, status=Status.DONE, percent=100, pending_extension=None,
                           open_at_acceptance=len(self.open_children))

    class MilestoneAccepted(Event):
        """A reviewer accepted one milestone (节点) as reached: it no longer sets the light."""

        milestone: str
        milestone_title: str
        note: str

        def effect(self, s: ItemState, on: date) -> ItemState:
            return replace(s, milestones=[{**m, "done_on": on} if m["key"] == self.milestone
                                          else m for m in s.milestones])

    class Returned(Event):
        class_version = 2
        reason: str
        as_admin: bool
        upcast_v1_v2 = staticmethod(_by_role)

        def effect(self, s: ItemState, on: date) -> ItemState:
            return replace(s, status=Status.DOING, returns=s.returns + 1, completion=None)

    class Cancelled(Event):
        old_status: str
        reason: str

        def effect(self, s: ItemState, on: date) -> ItemState:
            # A cancelled item's open extension request lapses with it.
            return replace(s, status=Status.CANCELLED, pending_extension=None)

    class Reopened(Event):
        class_version = 2
        old_status: str
        reason: str
        as_admin: bool
        upcast_v1_v2 = staticmethod(_by_role)

        def effect(self, s: ItemState, on: date) -> ItemState:
            return replace(s, status=Status.DOING, completion=None, open_at_acceptance=0)

    class EvidenceAttached(Event):
        """A stored file as evidence 佐证材料; v2 added what it shows (``description``)."""

        class_version = 2
        sha256: str
        name: str
        size: int
        content_type: str
        description: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.setdefault("description", "")

        def effect(self, s: ItemState, on: date) -> ItemState:
            file = {"sha256": self.sha256, "name": self.name, "size": self.size,
                    "content_type": self.content_type, "description": self.description}
            return replace(s, evidence=[*s.evidence, file])

    class EvidenceLinked(Event):
        """A link as evidence 佐证材料 (a page, a shared document), with what it shows."""

        url: str
        description: str

        def effect(self, s: ItemState, on: date) -> ItemState:
            link = {"url": self.url, "description": self.description}
            return replace(s, evidence=[*s.evidence, link])

    class Reminded(Event):
        cause: str
        due: date
        owner: str

        def effect(self, s: ItemState, on: date) -> ItemState:
            return replace(s, reminded=[*s.reminded, self.cause])

    class Undone(Event):
        """Compensates one earlier change: ``changes`` lists each restored field [now, then]."""

        undoes: int
        undone_type: str
        changes: dict[str, list[Any]]
        reason: str

        def effect(self, s: ItemState, on: date) -> ItemState:
            restored = {f: then for f, (_now, then) in self.changes.items() if f in RESTORED}
            if "status" in restored:
                restored["status"] = Status(restored["status"])
            return replace(s, **restored)

    # -- decisions ----------------------------------------------------------------------------

    def _guard(self, command: str, actor: str) -> None:
        # The table refers to this module's events, so it is imported when first needed.
        from tracker.domain.lifecycle import RULES

        RULES[command].check(self.state, actor)

    def _reason(self, reason: str) -> str:
        return clean_text(reason, "reason", required=True)

    def edit(self, *, actor: str, reason: str = "", imported: bool = False,
             as_admin: bool = False, **fields: str) -> None:
        """Change title, deliverable or description; old and new values go in the event.

        The deliverable is a commitment: the owner's change is a request for a reviewer to
        decide; anyone else's is recorded with a reason (a plan file's import needs none)."""
        self._guard("edit", actor)
        reason = clean_text(reason or "", "reason")  # refused when unusable, even if unused
        changes: dict[str, list[str]] = {}
        for field, value in fields.items():
            if field not in EDITABLE_FIELDS:
                raise ValidationError(N_("%(field)s cannot be edited here."), field=field)
            if value is None:
                continue
            new = clean_title(value) if field == "title" else clean_text(value, field)
            if new != getattr(self.state, field):
                changes[field] = [getattr(self.state, field), new]
        promised = changes.pop("deliverable", None) if not imported else None
        if promised and actor == self.state.owner and self.state.pending_deliverable:
            raise IllegalStateError(N_("A change of the deliverable is already waiting for a "
                                       "decision."))
        if promised and actor != self.state.owner:
            why = self._reason(reason)  # checked before anything is recorded
        if changes:
            self.trigger_event(self.Edited, actor=actor, changes=changes)
        if promised and actor == self.state.owner:
            self.trigger_event(self.DeliverableChangeRequested, actor=actor,
                               deliverable=promised[1], reason=clean_text(reason, "reason"))
        elif promised:
            self.trigger_event(self.DeliverableChanged, actor=actor, old=promised[0],
                               deliverable=promised[1], reason=why, asked_by=None,
                               as_admin=as_admin)

    def decide_deliverable(self, *, actor: str, grant: bool, note: str = "",
                           as_admin: bool = False) -> None:
        """Grant or refuse the owner's pending change of the deliverable (``as_admin``: decided
        by an administrator who has no role in the plan)."""
        self._guard("decide-deliverable", actor)
        if not isinstance(grant, bool):
            raise ValidationError(N_("Say whether the change is granted."), field="grant")
        note = clean_text(note, "note")
        pending = self.state.pending_deliverable or {}
        if grant:
            self.trigger_event(self.DeliverableChanged, actor=actor, old=self.state.deliverable,
                               deliverable=pending["deliverable"], reason=note,
                               asked_by=pending.get("by"), as_admin=as_admin)
        else:
            self.trigger_event(self.DeliverableChangeRefused, actor=actor, note=note,
                               as_admin=as_admin)

    def comment(self, *, actor: str, text: str, people: dict[str, str] | None = None) -> None:
        """Add a comment (allowed in every status); ``@name`` of a person mentions them."""
        self._guard("comment", actor)
        text = clean_text(text, "text", required=True)
        self.trigger_event(self.Commented, actor=actor, text=text,
                           mentions=mentions(text, people or {}))

    def issue_notice(self, *, actor: str, requirement: str, reply_by: date) -> None:
        """Issue a supervision notice 督办单 with a requirement and a reply deadline."""
        self._guard("issue-notice", actor)
        self.trigger_event(self.NoticeIssued, actor=actor,
                           requirement=clean_text(requirement, "requirement", required=True),
                           reply_by=check_date(reply_by, "reply_by"))

    def acknowledge_notice(self, *, actor: str) -> None:
        """Sign for the oldest notice not yet acknowledged 签收."""
        self._guard("acknowledge-notice", actor)
        self.trigger_event(self.NoticeAcknowledged, actor=actor)

    def answer_notice(self, *, actor: str, reply: str) -> None:
        """Reply 反馈 to the oldest unanswered notice; the reply is a progress report too."""
        self._guard("answer-notice", actor)
        text = clean_text(reply, "reply", required=True)
        self.trigger_event(self.NoticeAnswered, actor=actor, reply=text)

    def start(self, *, actor: str) -> None:
        """Begin work on an item that is still to do."""
        self._guard("start", actor)
        self.trigger_event(self.Started, actor=actor)

    def report_progress(self, *, actor: str, note: str, percent: int | None = None,
                        on: date | None = None, people: dict[str, str] | None = None) -> None:
        """Record a progress report 进展反馈 (note, optional percent and date); ``@name`` of a
        person in the note mentions them."""
        self._guard("report", actor)
        if percent is not None and (
            isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100
        ):
            raise ValidationError(N_("The percent must be a whole number from 0 to 100."),
                                  field="percent")
        if on is not None:
            check_date(on, "on")
        note = clean_text(note, "note", required=True)
        self.trigger_event(self.ProgressReported, actor=actor, note=note, percent=percent, on=on,
                           mentions=mentions(note, people or {}))

    def chase(self, *, actor: str, note: str) -> None:
        """A supervisor's recorded prompt 催办 on an open item."""
        self._guard("chase", actor)
        self.trigger_event(self.Chased, actor=actor, note=clean_text(note, "note", required=True))

    def request_extension(self, *, actor: str, new_due: date, reason: str,
                          period: tuple[date, date]) -> None:
        """Ask for a later due date 延期申请."""
        self._guard("request-extension", actor)
        check_in_period(check_date(new_due, "new_due"), *period, field="new_due")
        if new_due <= self.state.due:
            raise ValidationError(N_("The new due date must be later than %(due)s."),
                                  field="new_due", due=self.state.due.isoformat())
        self.trigger_event(self.ExtensionRequested, actor=actor, new_due=new_due,
                           reason=self._reason(reason))

    def decide_extension(self, *, actor: str, grant: bool, note: str = "",
                         as_admin: bool = False) -> None:
        """Grant or refuse the pending extension request; a grant moves the due date in force."""
        self._guard("decide-extension", actor)
        if not isinstance(grant, bool):
            raise ValidationError(N_("Say whether the extension is granted."), field="grant")
        note = clean_text(note, "note")
        pending = self.state.pending_extension or {}
        if grant:
            self.trigger_event(self.ExtensionGranted, actor=actor, old_due=self.state.due,
                               new_due=pending["new_due"], note=note, as_admin=as_admin)
        else:
            self.trigger_event(self.ExtensionRefused, actor=actor, note=note, as_admin=as_admin)

    def reschedule(self, *, actor: str, due: date, reason: str, period: tuple[date, date]) -> None:
        """Ask for another due date (the owner, or a supervisor on the owner's behalf); it is
        applied only when a reviewer who is neither the owner nor the requester grants it."""
        self._guard("reschedule", actor)
        check_in_period(check_date(due, "due"), *period, field="due")
        if due == self.state.due:
            raise ValidationError(N_("The item is already due on %(due)s."), field="due",
                                  due=due.isoformat())
        self.trigger_event(self.ExtensionRequested, actor=actor, new_due=due,
                           reason=self._reason(reason))

    def escalate(self, *, actor: str, reason: str, leaders: dict[str | None, str],
                 to: str | None = None) -> None:
        """A supervisor escalates a slipping item 提级督办 to a higher leader (``leaders``: the
        plan's leaders by key, with the group leader under None), with a reason."""
        self._guard("escalate", actor)
        to = to or leaders.get(None)
        if to is None or to not in leaders or to == self.state.owner:
            raise ValidationError(N_("Escalate to a leader other than the item's owner."),
                                  field="to")
        self.trigger_event(self.Escalated, actor=actor, to=to, reason=self._reason(reason))

    def reassign(self, *, actor: str, owner: str, reason: str) -> None:
        """Give the item to another responsible person, with a reason."""
        self._guard("reassign", actor)
        if owner == self.state.owner:
            raise ValidationError(N_("%(owner)s already owns this item."), field="owner",
                                  owner=owner)
        self.trigger_event(self.Reassigned, actor=actor, old_owner=self.state.owner, owner=owner,
                           reason=self._reason(reason))

    def change_units(self, *, actor: str, lead_unit: str, units: list[str] | None = None
                     ) -> None:
        """Change the lead unit 牵头 and the supporting units 协办 (none when not given)."""
        self._guard("units", actor)
        supporting = [u for u in dict.fromkeys(units or []) if u != lead_unit]
        if lead_unit != self.state.lead_unit or supporting != self.state.units:
            self.trigger_event(self.UnitsChanged, actor=actor,
                               old_lead_unit=self.state.lead_unit, old_units=self.state.units,
                               lead_unit=lead_unit, units=supporting)

    def submit_completion(self, *, actor: str, outcome: str, evidence: list[str] | None = None,
                          on: date | None = None) -> None:
        """The owner submits the outcome and evidence 办结 for review."""
        self._guard("submit", actor)
        links = [clean_text(e, "evidence", required=True) for e in evidence or []]
        self._check_citations(links)
        if on is not None:
            check_date(on, "on")
        self.trigger_event(self.CompletionSubmitted, actor=actor,
                           outcome=clean_text(outcome, "outcome", True), evidence=links, on=on)

    def _check_citations(self, links: list[str]) -> None:
        """A stored file is cited only if it was attached to this item, under its name there."""
        attached = {f"{CITED}{f['sha256']} {f['name']}" for f in self.state.evidence
                    if "sha256" in f}
        for link in links:
            if link.startswith(CITED) and link not in attached:
                raise ValidationError(N_("%(field)s: only a file attached to this item can be "
                                         "cited, as its evidence list names it."),
                                      field="evidence")

    def accept(self, *, actor: str, note: str = "", reason: str = "",
               open_children: list[str] | tuple[str, ...] = (), as_admin: bool = False) -> None:
        """A reviewer who is not the owner accepts the submitted completion; while sub-items
        are open (``open_children``: their keys) only with the reason recorded."""
        self._guard("accept", actor)
        note, reason = clean_text(note, "note"), clean_text(reason, "reason")
        if open_children and not reason.strip():
            raise ValidationError(
                N_("Sub-items still open: %(count)s. Give the reason for accepting the item "
                   "anyway."), field="reason", count=len(open_children))
        self.trigger_event(self.Accepted, actor=actor, note=note,
                           reason=reason,
                           open_children=list(open_children), as_admin=as_admin)

    def accept_milestone(self, *, actor: str, milestone: str, note: str = "") -> None:
        """A reviewer who is not the owner accepts one milestone as reached."""
        self._guard("accept-milestone", actor)
        found = next((m for m in self.state.milestones
                      if milestone in (m["key"], m["title"])), None)
        if found is None:
            raise ValidationError(N_("The item has no milestone %(key)s."), key=milestone,
                                  field="milestone")
        if found.get("done_on"):
            raise IllegalStateError(N_("The milestone %(key)s was already accepted."),
                                    key=found["title"])
        self.trigger_event(self.MilestoneAccepted, actor=actor, milestone=found["key"],
                           milestone_title=found["title"], note=clean_text(note, "note"))

    def return_completion(self, *, actor: str, reason: str, as_admin: bool = False) -> None:
        """Send a submitted completion back for more work 退回重办."""
        self._guard("return", actor)
        self.trigger_event(self.Returned, actor=actor, reason=self._reason(reason),
                           as_admin=as_admin)

    def cancel(self, *, actor: str, reason: str) -> None:
        """Cancel an open item, with a reason."""
        self._guard("cancel", actor)
        self.trigger_event(self.Cancelled, actor=actor, old_status=str(self.state.status),
                           reason=self._reason(reason))

    def reopen(self, *, actor: str, reason: str, as_admin: bool = False) -> None:
        """Reopen a done or cancelled item; it goes back to in progress."""
        self._guard("reopen", actor)
        self.trigger_event(self.Reopened, actor=actor, old_status=str(self.state.status),
                           reason=self._reason(reason), as_admin=as_admin)

    def attach_evidence(self, *, actor: str, sha256: str, name: str, size: int,
                        content_type: str, description: str = "") -> None:
        """Record a stored evidence file by its SHA-256, so the audit chain covers its content."""
        self._guard("evidence", actor)
        if not (isinstance(sha256, str) and len(sha256) == 64
                and all(c in "0123456789abcdef" for c in sha256)):
            raise ValidationError(N_("%(field)s must be a SHA-256 in hexadecimal."),
                                  field="sha256")
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValidationError(N_("%(field)s must be a whole number from 1."), field="size")
        self.trigger_event(self.EvidenceAttached, actor=actor, sha256=sha256,
                           name=clean_title(name, "name"), size=size,
                           content_type=clean_text(content_type, "content_type", required=True),
                           description=clean_text(description, "description").strip())

    def link_evidence(self, *, actor: str, url: str, description: str = "") -> None:
        """Add a link (http or https) as evidence, with what it shows."""
        self._guard("link-evidence", actor)
        url = clean_text(url, "url", required=True).strip()
        if not url.lower().startswith(("http://", "https://")) or any(c.isspace() for c in url):
            raise ValidationError(N_("%(field)s must start with http:// or https:// and contain "
                                     "no spaces."), field="url")
        self.trigger_event(self.EvidenceLinked, actor=actor, url=url,
                           description=clean_text(description, "description").strip())

    def was_reminded(self, cause: str) -> bool:
        """Whether a Reminded event for this cause (e.g. "red:2012-06-30") is in the history."""
        return cause in self.state.reminded

    def remind(self, *, actor: str, cause: str, due: date) -> None:
        """Record a reminder to the owner for a cause; never twice for the same cause."""
        self._guard("remind", actor)
        cause = clean_text(cause, "cause", required=True)
        if self.was_reminded(cause):
            raise IllegalStateError(N_("The owner was already reminded (%(cause)s)."), cause=cause)
        self.trigger_event(self.Reminded, actor=actor, cause=cause, due=check_date(due, "due"),
                           owner=self.state.owner)

    def undo(self, *, actor: str, version: int,
             latest: tuple[int, type[Event], str, datetime] | None, previous: ItemState | None,
             now: datetime, window: timedelta, admin: bool = False, reason: str = "") -> None:
        """Compensate the latest change (``latest``: its version, event class, actor and time;
        ``previous``: the state before it) while ``window`` has not passed at ``now``; which
        changes can be undone, and by whom, is the lifecycle's to say."""
        from tracker.domain.lifecycle import check_undo

        self._guard("undo", actor)
        undone = check_undo(version, latest, actor, admin, now=now, window=window)
        changes = {f: [getattr(self.state, f), getattr(previous, f)] for f in RESTORED
                   if getattr(previous, f) != getattr(self.state, f)}
        self.trigger_event(self.Undone, actor=actor, undoes=version, undone_type=undone.__name__,
                           changes=changes, reason=clean_text(reason, "reason"))
