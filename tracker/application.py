"""The tracker application: one method per command, each taking the actor and an optional
expected_version; queries on aggregates for the commands' own needs."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Recording, Transcoding
from eventsourcing.utils import get_topic

from tracker.domain import Person, Plan, Unit, WorkItem, item_id, person_id, plan_id, unit_id
from tracker.domain.base import clean_title
from tracker.domain.fields import parse_args, whole_number
from tracker.domain.leadership import derived_leadership, may_lead
from tracker.domain.lifecycle import COMMANDS, Need, Rule, counts_as_change
from tracker.domain.mentions import MARK
from tracker.domain.status import Status
from tracker.errors import (
    N_,
    ConflictError,
    NotFoundError,
    UnknownReferenceError,
    ValidationError,
)
from tracker.evidence import EvidenceFile
from tracker.grading import check_kind
from tracker.permissions import Actor, authorize
from tracker.planperiods import (
    MAX_COPIES,
    due_day_fits,
    language_of,
    parse_every,
    schedule,
)

A = TypeVar("A", bound=Aggregate)


class DateAsISO(Transcoding):
    """Dates in events as ISO strings."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


@dataclass(frozen=True)
class Result:
    """What a command returns: the aggregate, its new version and the last notification id;
    and the recordings it saved (each domain event with its notification, in id order), so
    the caller can apply them to the read models without reading them back."""

    id: UUID
    version: int
    notification_id: int | None
    recordings: tuple[Recording[UUID], ...] = field(default=(), repr=False, compare=False)
    # An item command's: the item's plan and the roles it was decided under (what a caller
    # showing the item's actions would read again).
    plan_key: str | None = field(default=None, repr=False, compare=False)
    leadership: dict[str, str] | None = field(default=None, repr=False, compare=False)


class TrackerApplication(Application[UUID]):
    """Commands and aggregate queries of the tracker."""

    name = "tracker"
    # The library's aggregate cache, in every process: a command's aggregate is fast-forwarded
    # from its cached state (events other processes saved are read on the way) and a deep
    # copy is handed out, instead of replaying it from its first event. The process's or the
    # caller's environment may override these.
    env: ClassVar[dict[str, str]] = {
        "AGGREGATE_CACHE_MAXSIZE": "5000",
        "AGGREGATE_CACHE_FASTFORWARD": "y",
    }

    def __init__(
        self,
        env: dict[str, str] | None = None,
        timezone: ZoneInfo | None = None,
        clock: Callable[[], datetime] | None = None,
        undo_window: timedelta = timedelta(minutes=30),
    ) -> None:
        super().__init__(env)
        self.timezone = timezone or ZoneInfo("UTC")
        self.clock = clock or (lambda: datetime.now(UTC))
        # How many cards a plan's board column holds now (the read side answers; the web wires
        # it in). Without it, column limits are shown but cannot be enforced.
        self.column_count: Callable[[str, Status], int] | None = None
        self.undo_window = undo_window  # how long after a change its maker may undo it
        self._items = _ItemIndex()
        # A legacy plan's derived roles, by plan: (plan version, index version) and the roles.
        self._derived_roles: dict[str, tuple[tuple[int, int], dict[str, str]]] = {}

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def today(self) -> date:
        """Today in the tracker's time zone: due dates and lateness are judged by it."""
        return self.clock().astimezone(self.timezone).date()

    # -- loading and saving -------------------------------------------------------------------

    def _load(self, cls: type[A], aggregate_id: UUID, what: str, key: str,
              read_only: bool = False) -> A:
        """The aggregate (``read_only``: the cached copy itself, not a deep copy of it, for a
        caller that only reads and hands out no mutable part of it)."""
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id,
                                                       deepcopy_from_cache=not read_only)
        except AggregateNotFoundError:
            raise NotFoundError(N_("There is no %(what)s %(key)s."), what=what, key=key) from None
        if not isinstance(aggregate, cls):
            raise NotFoundError(N_("There is no %(what)s %(key)s."), what=what, key=key)
        return aggregate

    def _exists(self, aggregate_id: UUID) -> bool:
        return bool(self.recorder.select_events(aggregate_id, desc=True, limit=1))

    def _commit(self, *aggregates: Aggregate) -> Result:
        """Save atomically; a lost race becomes a ConflictError carrying the current version."""
        try:
            recordings = self.save(*aggregates)
        except IntegrityError:
            # The event store refused a version that someone else wrote first.
            stored = self.recorder.select_events(aggregates[0].id, desc=True, limit=1)
            raise ConflictError(stored[0].originator_version if stored else None) from None
        last = recordings[-1].notification.id if recordings else None
        main = aggregates[0]
        return Result(main.id, main.version, last, tuple(recordings))

    @staticmethod
    def _check_expected(aggregate: Aggregate, expected_version: int | None) -> None:
        if expected_version is not None and expected_version != aggregate.version:
            raise ConflictError(aggregate.version)

    # -- reference data -----------------------------------------------------------------------

    def get_plan(self, key: str) -> Plan:
        """The plan with this key."""
        return self._load(Plan, plan_id(key), "plan", key)

    def get_person(self, key: str) -> Person:
        """The person with this key."""
        return self._load(Person, person_id(key), "person", key)

    def get_unit(self, key: str) -> Unit:
        """The unit with this key."""
        return self._load(Unit, unit_id(key), "unit", key)

    def get_item(self, item: UUID | str, plan_key: str | None = None) -> WorkItem:
        """The item with this id (or this key inside plan_key)."""
        if isinstance(item, str) and plan_key is not None:
            return self._load(WorkItem, item_id(plan_key, item), "item", item)
        try:
            uid = item if isinstance(item, UUID) else UUID(str(item))
        except ValueError:
            raise NotFoundError(
                N_("There is no %(what)s %(key)s."), what="item", key=item
            ) from None
        return self._load(WorkItem, uid, "item", str(item))

    def check_person(self, key: str) -> Person:
        """An active person, or an UnknownReferenceError naming the key."""
        try:
            person = self.get_person(key)
        except NotFoundError:
            raise UnknownReferenceError(N_("There is no person %(key)s."), key=key) from None
        if not person.active:
            raise UnknownReferenceError(N_("%(key)s is inactive."), key=key)
        return person

    def check_units(self, *keys: str) -> None:
        """Refuse unknown unit keys."""
        for key in keys:
            if not self._exists(unit_id(key)):
                raise UnknownReferenceError(N_("There is no unit %(key)s."), key=key)

    def create_plan(self, actor: Actor, leadership: dict[str, str] | None = None,
                    **fields: Any) -> Result:
        """Create a plan (admin) with its roles recorded: those given, or else its creating
        person as group leader (an administrator without a person acts everywhere anyway)."""
        authorize(actor, "plan")
        plan = Plan.create(actor=actor.name, **fields)
        if leadership is None:
            leadership = {actor.person: "group_leader"} if actor.person else {}
        for person in leadership:
            self.check_person(person)
        plan.set_leadership(actor=actor.name, leadership=leadership)
        return self._commit(plan)

    def leadership(self, plan_key: str) -> dict[str, str]:
        """The plan's roles {person: role}; for a plan stored before roles were recorded, the
        roles derived from the people it names."""
        return self._roles(self._load(Plan, plan_id(plan_key), "plan", plan_key, read_only=True))

    def _roles(self, plan: Plan) -> dict[str, str]:
        """leadership() of a plan already loaded."""
        plan_key = plan.key
        if plan.leadership is not None:
            return dict(plan.leadership)  # a copy: the cached plan is not the caller's
        self._items.catch_up(self)
        stands = (plan.version, self._items.version)
        held = self._derived_roles.get(plan_key)
        if held is not None and held[0] == stands:  # nothing they derive from has changed
            return dict(held[1])
        named = {plan.created_by, *plan.goal_leaders.values(),
                 *self._items.people.get(plan_key, ())}
        known = self._items.roles  # every person's current role, from the same index
        roles = derived_leadership({key: known[key][1] for key in sorted(named) if key in known})
        self._derived_roles[plan_key] = (stands, roles)
        return dict(roles)

    def set_leadership(self, actor: Actor, plan_key: str, leadership: Any,
                       expected_version: int | None = None) -> Result:
        """Name a plan's leadership group and supervising office (admin)."""
        authorize(actor, "plan")
        plan = self.get_plan(plan_key)
        self._check_expected(plan, expected_version)
        for person in leadership if isinstance(leadership, dict) else ():
            self.check_person(str(person))
        plan.set_leadership(actor=actor.name, leadership=leadership)
        return self._commit_if_changed(plan)

    def add_unit(self, actor: Actor, key: str, name: str, liaisons: list[str] = ()) -> Result:  # type: ignore[assignment]
        """Create a unit (admin)."""
        authorize(actor, "unit")
        for leader in liaisons:
            self.check_person(leader)
        return self._commit(
            Unit.create(actor=actor.name, key=key, name=name, liaisons=list(liaisons))
        )

    def add_person(self, actor: Actor, key: str, name: str, role: str = "member") -> Result:
        """Create a person (admin)."""
        authorize(actor, "person")
        return self._commit(Person.create(actor=actor.name, key=key, name=name, role=role))

    def set_person_contact(self, actor: Actor, key: str, *, email: str | None,
                           language: str | None = None) -> Result | None:
        """Set a person's mail address and mail language (admin); None when nothing changed."""
        authorize(actor, "person")
        person = self.get_person(key)
        if not person.set_contact(actor=actor.name, email=email, language=language):
            return None
        return self._commit(person)

    # -- work items ---------------------------------------------------------------------------

    def create_item(
        self,
        actor: Actor,
        plan_key: str,
        *,
        title: str,
        owner: str,
        lead_unit: str,
        due: date | None,
        key: str | None = None,
        **fields: Any,
    ) -> Result:
        """Create a work item; a retried create with the same key changes nothing.
        Other fields: units, phase, goal, deliverable, description, parent, report_every_days,
        leaders, co_leads, milestones."""
        plan = self.get_plan(plan_key)
        authorize(actor, "create", leadership=self.leadership(plan_key))
        if due is None:
            raise ValidationError(N_("%(field)s is required."), field="due")
        if key is not None:
            key = clean_title(key, "key")
        key = key or f"{plan_key}:{title.strip() if isinstance(title, str) else title}"
        uid = item_id(plan_key, key)
        if self._exists(uid):
            existing = self.get_item(uid)
            return Result(uid, existing.version, None)
        self._check_item_refs(plan, owner, lead_unit, **fields)
        return self._commit(self._new_item(actor, plan, key, title, owner, lead_unit, due,
                                           **fields))

    def create_recurring_item(
        self,
        actor: Actor,
        plan_key: str,
        *,
        every: str,
        title: str,
        owner: str,
        lead_unit: str,
        due: date | None = None,
        due_day: int | None = None,
        key: str | None = None,
        **fields: Any,
    ) -> Result:
        """Create a recurring item as a plan file's `every` (and `due_day`) does: one item per
        period of the plan, keyed `key#1`, `key#2`, …, saved together; a retry changes nothing.
        The result names the first copy."""
        plan = self.get_plan(plan_key)
        authorize(actor, "create", leadership=self.leadership(plan_key))
        copies = self._recurrence(plan, every, title, due, due_day)
        key = clean_title(key, "key") if key is not None else f"{plan_key}:{title.strip()}"
        first = item_id(plan_key, f"{key}#1")
        if self._exists(first):
            return Result(first, self.get_item(first).version, None)
        self._check_item_refs(plan, owner, lead_unit, **fields)
        return self._commit(*(self._new_item(actor, plan, f"{key}#{k}", name, owner, lead_unit,
                                             when, **fields)
                              for k, (name, when) in enumerate(copies, 1)))

    def recurrence(self, plan_key: str, *, every: str, title: str, due: date | None = None,
                   due_day: int | None = None) -> list[tuple[str, date]]:
        """The title and due date of each item a recurring item would make in the plan (what
        create_recurring_item saves); refused as it would be refused."""
        return self._recurrence(self.get_plan(plan_key), every, title, due, due_day)

    @staticmethod
    def _recurrence(plan: Plan, every: object, title: object, due: date | None,
                    due_day: int | None) -> list[tuple[str, date]]:
        span = parse_every(every.strip()) if isinstance(every, str) else None
        if span is None:
            raise ValidationError(N_("%(field)s must be a period such as 1 month or 3 months."),
                                  field="every")
        if due_day is not None:
            whole_number("due_day", due_day)
            if not due_day_fits(span, due_day):
                raise ValidationError(N_("%(field)s must be a day of the month (1 to 31), and "
                                         "needs a period of months or years."), field="due_day")
        elif due is None:
            raise ValidationError(N_("%(field)s is required."), field="due")
        copies = schedule((plan.starts, plan.ends), clean_title(title, "title"),
                          due or plan.starts, span, due_day, language_of(plan.title), MAX_COPIES)
        if copies is None:
            raise ValidationError(N_("%(field)s would make more than %(max)s items."),
                                  field="every", max=MAX_COPIES)
        return copies

    def _check_item_refs(self, plan: Plan, owner: str, lead_unit: str, *,
                         units: list[str] | None = None, phase: str | None = None,
                         goal: str | None = None, parent: str | None = None,
                         leaders: list[str] | None = None, co_leads: list[str] | None = None,
                         **_: Any) -> None:
        """Every person, unit, phase, goal and parent a new item names exists."""
        self.check_person(owner)
        for leader in leaders or []:
            self.check_person(leader)
        self.check_units(lead_unit, *(units or []), *(co_leads or []))
        plan.check_phase(phase)
        plan.check_goal(goal)
        if parent is not None and not self._exists(item_id(plan.key, parent)):
            raise UnknownReferenceError(N_("There is no item %(key)s."), key=parent)

    @staticmethod
    def _new_item(actor: Actor, plan: Plan, key: str, title: str, owner: str, lead_unit: str,
                  due: date, *, units: list[str] | None = None, phase: str | None = None,
                  goal: str | None = None, deliverable: str = "", description: str = "",
                  parent: str | None = None, report_every_days: int | None = None,
                  leaders: list[str] | None = None, co_leads: list[str] | None = None,
                  milestones: list[dict[str, Any]] | None = None) -> WorkItem:
        return WorkItem.create(
            actor=actor.name, plan_key=plan.key, period=(plan.starts, plan.ends), key=key,
            title=title, owner=owner, lead_unit=lead_unit, due=due, units=units, phase=phase,
            goal=goal, deliverable=deliverable, description=description, parent=parent,
            report_every_days=report_every_days, leaders=leaders, co_leads=co_leads,
            milestones=milestones,
        )

    def execute(
        self,
        item: UUID | str,
        command: str | Rule,
        actor: Actor,
        expected_version: int | None = None,
        **values: Any,
    ) -> Result:
        """Run one item command (a rule of tracker.domain.lifecycle, or its name) as the actor."""
        rule = command if isinstance(command, Rule) else COMMANDS.get(command)
        if rule is None:
            raise NotFoundError(
                N_("There is no command %(key)s."), what="command", key=command
            )
        args = parse_args(rule.fields, values)
        # Without an expected_version the caller means "the item as it is now": a save that
        # loses a race is decided again on the fresh item (a few times) rather than refused.
        attempts = 1 if expected_version is not None else 4
        for attempt in range(attempts):
            try:
                return self._execute_once(item, rule, actor, expected_version, dict(args))
            except ConflictError:
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    def _execute_once(
        self,
        item: UUID | str,
        rule: Rule,
        actor: Actor,
        expected_version: int | None,
        args: dict[str, Any],
    ) -> Result:
        aggregate = self.get_item(item)
        # The item's plan, read once for its roles, its period and its column limits (the
        # cached copy itself: nothing here changes it or hands out a mutable part of it).
        plan = self._load(Plan, plan_id(aggregate.plan_key), "plan", aggregate.plan_key,
                          read_only=True)
        roles = self._roles(plan)
        authorize(actor, rule.name, aggregate.owner, roles)
        self._check_expected(aggregate, expected_version)
        self._check_references(rule, args)
        for need in rule.needs:
            args.update(self._supply(need, aggregate, args, plan))
        if Need.HISTORY in rule.needs:
            args["admin"] = actor.role == "admin"
        if Need.CAPACITY in rule.needs:
            # An administrator who holds no role in the plan decides as administrator.
            args["as_admin"] = (actor.role == "admin"
                                and not may_lead(roles, actor.person, rule.name))
        self._check_column_room(aggregate, rule, plan)
        rule.decide(aggregate, actor=actor.name, **args)
        return replace(self._commit_if_changed(aggregate), plan_key=plan.key,
                       leadership=dict(roles))

    def _check_column_room(self, item: WorkItem, rule: Rule, plan: Plan) -> None:
        """Refuse a move into a full board column when the item's plan enforces its limits."""
        to = rule.leads_to
        if to is None or to == item.state.status or self.column_count is None:
            return
        if plan.wip_enforced and to.value in plan.wip_limits:
            plan.check_wip(to, self.column_count(item.plan_key, to))

    def set_wip_limits(self, actor: Actor, plan_key: str, *, limits: Any,
                       enforced: Any = False) -> Result:
        """Set the plan board's column limits and whether they are enforced (admin or the
        plan's leadership)."""
        plan = self.get_plan(plan_key)
        authorize(actor, "wip-limits", leadership=self.leadership(plan_key))
        plan.set_wip_limits(actor=actor.name, limits=limits, enforced=enforced)
        return self._commit_if_changed(plan)

    def _check_references(self, rule: Rule, args: dict[str, Any]) -> None:
        """Refuse keys of people and units that do not exist (by the fields' types)."""
        for f in rule.fields:
            if f.name not in args:
                continue
            if f.type == "person":
                self.check_person(args[f.name])
            elif f.type == "unit" or (f.type == "list" and f.name == "units"):
                value = args[f.name]
                self.check_units(*(value if isinstance(value, list) else [value]))

    def _supply(self, need: Need, item: WorkItem, args: dict[str, Any],
                plan: Plan) -> dict[str, Any]:
        """What a decision needs besides its fields: the plan's period (of the item's plan,
        given), the item's history."""
        if need is Need.PEOPLE:  # looked up only when a text may mention someone
            texts = " ".join(str(v) for v in args.values() if isinstance(v, str))
            return {"people": self.people_names() if MARK in texts else {}}
        if need is Need.PERIOD:
            return {"period": (plan.starts, plan.ends)}
        if need is Need.LEADERS:
            return {"leaders": self._leaders()}
        if need is Need.CHILDREN:
            return {"open_children": self.open_children(item)}
        if need is Need.CAPACITY:
            return {}  # who decides is the actor's, supplied by _execute_once
        return {**self._undo_facts(item), "now": self.clock(), "window": self.undo_window}

    def open_children(self, item: WorkItem) -> list[str]:
        """The keys of the item's sub-items that are neither done nor cancelled."""
        self._items.catch_up(self)
        children = self._items.children.get((item.plan_key, item.key), [])
        found: list[WorkItem] = [self.repository.get(uid) for uid in children]
        return [child.key for child in found if child.is_open]

    def people_names(self) -> dict[str, str]:
        """Every active person's name by key."""
        people: dict[str, str] = {}
        for uid in self._ids_of("Person.Created"):
            person: Person = self.repository.get(uid)
            if person.active:
                people[person.key] = person.name
        return people

    def _leaders(self) -> dict[str | None, str]:
        """The active leadership group by key (and the group leader under None)."""
        leaders: dict[str | None, str] = {}
        for uid in self._ids_of("Person.Created"):
            person: Person = self.repository.get(uid)
            if person.active and person.role in ("group_leader", "deputy"):
                leaders[person.key] = person.role
                if person.role == "group_leader":
                    leaders.setdefault(None, person.key)
        return leaders

    def attach_evidence(
        self,
        actor: Actor,
        item: UUID | str,
        file: EvidenceFile,
        expected_version: int | None = None,
        store: Callable[[], object] | None = None,
        description: str = "",
    ) -> Result:
        """Record an evidence file (and what it shows) on an item (owner or leader); ``store``
        writes the file once every rule has passed, just before the event is saved."""
        aggregate = self.get_item(item)
        authorize(actor, "evidence", aggregate.owner, self.leadership(aggregate.plan_key))
        self._check_expected(aggregate, expected_version)
        aggregate.attach_evidence(actor=actor.name, sha256=file.sha256, name=file.name,
                                  size=file.size, content_type=file.media_type,
                                  description=description)
        if store is not None:
            store()
        return self._commit(aggregate)

    # -- grading and reminders ----------------------------------------------------------------

    def assess_unit(
        self,
        actor: Actor,
        unit_key: str,
        plan_key: str,
        *,
        label: str,
        self_scores: dict[str, Any],
        superior_scores: dict[str, Any],
        weights: dict[str, int] | None = None,
        on: date | None = None,
    ) -> Result:
        """Record an assessment 分类定级 of a unit within a plan (admin)."""
        authorize(actor, "assess")
        plan = self.get_plan(plan_key)
        unit = self.get_unit(unit_key)
        if weights is None:
            weights = plan.grading_weights
        unit.assess(
            actor=actor.name,
            plan_key=plan_key,
            label=label,
            on=on or self.today(),
            self_scores=self_scores,
            superior_scores=superior_scores,
            weights=weights,
            thresholds=plan.grading_thresholds,
        )
        return self._commit(unit)

    def set_grading(self, actor: Actor, plan_key: str, *, self_weight: int,
                    superior_weight: int,
                    thresholds: dict[str, Any] | None = None) -> Result:
        """Set the plan's self / superior assessment weights and grade thresholds (admin)."""
        authorize(actor, "grading")
        plan = self.get_plan(plan_key)
        plan.set_grading(actor=actor.name, self_weight=self_weight,
                         superior_weight=superior_weight, thresholds=thresholds)
        return self._commit_if_changed(plan)

    def _check_nominee(self, kind: str, key: str) -> None:
        if kind == "unit":
            self.check_units(key)
        elif kind == "person":
            self.check_person(key)

    def nominate(self, actor: Actor, plan_key: str, *, kind: str, key: str,
                 reason: str) -> Result:
        """Nominate a unit as advanced or a person as outstanding 评选推荐 (admin or leader)."""
        authorize(actor, "nominate", leadership=self.leadership(plan_key))
        plan = self.get_plan(plan_key)
        check_kind(kind)
        self._check_nominee(kind, key)
        plan.nominate(actor=actor.name, kind=kind, nominee=key, reason=reason)
        return self._commit(plan)

    def withdraw_nomination(self, actor: Actor, plan_key: str, *, kind: str, key: str,
                            reason: str) -> Result:
        """Withdraw a standing nomination, with the reason (admin or leader)."""
        authorize(actor, "withdraw-nomination", leadership=self.leadership(plan_key))
        plan = self.get_plan(plan_key)
        plan.withdraw_nomination(actor=actor.name, kind=kind, nominee=key, reason=reason)
        return self._commit(plan)

    def _commit_if_changed(self, aggregate: Aggregate) -> Result:
        if not aggregate.pending_events:
            return Result(aggregate.id, aggregate.version, None)
        return self._commit(aggregate)

    def record_reminder(
        self, actor: Actor, item: UUID | str, *, cause: str, due: date
    ) -> Result | None:
        """Record a reminder to the item's owner; None when this cause was already reminded."""
        authorize(actor, "remind")
        aggregate = self.get_item(item)
        if aggregate.was_reminded(cause):
            return None
        aggregate.remind(actor=actor.name, cause=cause, due=due)
        return self._commit(aggregate)

    def _undo_facts(self, item: WorkItem) -> dict[str, Any]:
        """The item's latest change (version, event class), skipping notes, and its prior state."""
        before = item.version
        while before > 1:
            stored = self.recorder.select_events(item.id, lte=before, desc=True, limit=50)
            for s in stored:
                event = self.mapper.to_domain_event(s)
                if counts_as_change(type(event).__name__):
                    prior: WorkItem = self.repository.get(item.id, version=s.originator_version - 1)
                    latest = (s.originator_version, type(event), getattr(event, "actor", ""),
                              event.timestamp)  # type: ignore[attr-defined]
                    return {"latest": latest, "previous": prior.state}
                if s.originator_version == 1:
                    return {"latest": None, "previous": None}
            before = stored[-1].originator_version - 1 if stored else 0
        return {"latest": None, "previous": None}

    def exists(self, aggregate_id: UUID) -> bool:
        """Whether an aggregate with this id has been saved."""
        return self._exists(aggregate_id)

    def save_all(self, *aggregates: Aggregate) -> Result:
        """Save several changed aggregates in one transaction (e.g. a whole plan import)."""
        return self._commit(*aggregates)

    def list_item_ids(self) -> list[UUID]:
        """Every work item id in the store (for tools that walk all items)."""
        return self._ids_of("WorkItem.Created")

    def _ids_of(self, topic_suffix: str) -> list[UUID]:
        ids: list[UUID] = []
        start = 1
        while True:
            batch = self.recorder.select_notifications(start, 500)
            if not batch:
                return ids
            ids.extend(n.originator_id for n in batch if n.topic.endswith(topic_suffix))  # type: ignore[misc]
            start = batch[-1].id + 1


class _ItemIndex:
    """Each plan's sub-items by parent, the people its items name and every person's role, read
    incrementally from the items' Created and the people's Created and RoleChanged events (so a
    parent's open sub-items and a legacy plan's derived roles are found without a read model
    and without loading each person)."""

    TOPIC = get_topic(WorkItem.Created)
    PERSON_TOPICS = (get_topic(Person.Created), get_topic(Person.RoleChanged))  # type: ignore[attr-defined]

    def __init__(self) -> None:
        self.children: dict[tuple[str, str], list[UUID]] = {}
        self.people: dict[str, set[str]] = {}
        self.roles: dict[str, tuple[int, str]] = {}  # person key → (version, role)
        self._person_keys: dict[UUID, str] = {}
        self.version = 0  # how many events it has read: what was derived from it still holds
        self._next = 1
        self._seen: set[int] = set()
        self._lock = threading.Lock()

    # How far each call looks back for a transaction that committed after a later-numbered
    # one. None does with the library's recorders: SQLite's writers take the database's write
    # lock and PostgreSQL's lock the events table (EXCLUSIVE) before inserting, so ids become
    # visible in order (projections.engine.apply_saved relies on the same). Looking back 1,000
    # events cost every command tens of milliseconds.
    OVERLAP = 0

    def catch_up(self, app: TrackerApplication) -> None:
        """Read the Created events recorded since the last call (from where the store's head
        stood then, not from the last event of these kinds: the others are not read again)."""
        with self._lock:
            head = int(app.recorder.max_notification_id() or 0)  # every id up to it is visible
            start = max(1, self._next - self.OVERLAP)
            while True:
                batch = app.recorder.select_notifications(
                    start, 500, stop=head, topics=[self.TOPIC, *self.PERSON_TOPICS])
                if not batch:
                    self._next = max(self._next, head + 1)
                    return
                start = batch[-1].id + 1
                self._next = max(self._next, start)
                for n in batch:
                    if n.id in self._seen:
                        continue
                    self._seen.add(n.id)
                    self.version += 1
                    created = app.mapper.to_domain_event(n)
                    if n.topic in self.PERSON_TOPICS:
                        self._person(created)
                        continue
                    plan = created.plan_key  # type: ignore[attr-defined]
                    if created.parent:  # type: ignore[attr-defined]
                        self.children.setdefault((plan, created.parent), []).append(  # type: ignore[attr-defined]
                            created.originator_id)
                    self.people.setdefault(plan, set()).update(
                        [created.owner, *created.leaders])  # type: ignore[attr-defined]

    def _person(self, event: Any) -> None:
        """A person's role as of this event (a later version wins whatever the reading order)."""
        if isinstance(event, Person.Created):
            self._person_keys[event.originator_id] = event.key  # type: ignore[attr-defined]
        key = self._person_keys.get(event.originator_id)
        if key is None:
            return
        if self.roles.get(key, (0, ""))[0] < event.originator_version:
            self.roles[key] = (event.originator_version, event.role)  # type: ignore[attr-defined]
