"""The tracker application: one method per command, each taking the actor and an optional
expected_version; queries on aggregates for the commands' own needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Transcoding

from tracker.domain import Person, Plan, Unit, WorkItem, item_id, person_id, plan_id, unit_id
from tracker.domain.base import clean_title
from tracker.domain.fields import parse_args
from tracker.domain.lifecycle import COMMANDS, Need, Rule, counts_as_change
from tracker.errors import N_, ConflictError, NotFoundError, UnknownReferenceError
from tracker.evidence import EvidenceFile
from tracker.grading import check_kind
from tracker.permissions import Actor, authorize

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
    """What a command returns: the aggregate, its new version and the last notification id."""

    id: UUID
    version: int
    notification_id: int | None


class TrackerApplication(Application[UUID]):
    """Commands and aggregate queries of the tracker."""

    name = "tracker"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        timezone: ZoneInfo | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(env)
        self.timezone = timezone or ZoneInfo("UTC")
        self.clock = clock or (lambda: datetime.now(UTC))

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def today(self) -> date:
        """Today in the tracker's time zone: due dates and lateness are judged by it."""
        return self.clock().astimezone(self.timezone).date()

    # -- loading and saving -------------------------------------------------------------------

    def _load(self, cls: type[A], aggregate_id: UUID, what: str, key: str) -> A:
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id)
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
        return Result(main.id, main.version, last)

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

    def create_plan(self, actor: Actor, **fields: Any) -> Result:
        """Create a plan (admin)."""
        authorize(actor, "plan")
        plan = Plan.create(actor=actor.name, **fields)
        return self._commit(plan)

    def leadership(self, plan_key: str) -> dict[str, str] | None:
        """The plan's roles {person: role}, or None when it never recorded them."""
        return self.get_plan(plan_key).leadership

    def set_leadership(self, actor: Actor, plan_key: str, leadership: Any) -> Result:
        """Name a plan's leadership group and supervising office (admin)."""
        authorize(actor, "plan")
        plan = self.get_plan(plan_key)
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
        due: date,
        key: str | None = None,
        units: list[str] | None = None,
        phase: str | None = None,
        goal: str | None = None,
        deliverable: str = "",
        description: str = "",
        parent: str | None = None,
        report_every_days: int | None = None,
        leaders: list[str] | None = None,
        co_leads: list[str] | None = None,
        milestones: list[dict[str, Any]] | None = None,
    ) -> Result:
        """Create a work item; a retried create with the same key changes nothing."""
        plan = self.get_plan(plan_key)
        authorize(actor, "create", leadership=plan.leadership)
        if key is not None:
            key = clean_title(key, "key")
        key = key or f"{plan_key}:{title.strip() if isinstance(title, str) else title}"
        uid = item_id(plan_key, key)
        if self._exists(uid):
            existing = self.get_item(uid)
            return Result(uid, existing.version, None)
        self.check_person(owner)
        for leader in leaders or []:
            self.check_person(leader)
        self.check_units(lead_unit, *(units or []), *(co_leads or []))
        plan.check_phase(phase)
        plan.check_goal(goal)
        if parent is not None and not self._exists(item_id(plan_key, parent)):
            raise UnknownReferenceError(N_("There is no item %(key)s."), key=parent)
        item = WorkItem.create(
            actor=actor.name,
            plan_key=plan_key,
            period=(plan.starts, plan.ends),
            key=key,
            title=title,
            owner=owner,
            lead_unit=lead_unit,
            due=due,
            units=units,
            phase=phase,
            goal=goal,
            deliverable=deliverable,
            description=description,
            parent=parent,
            report_every_days=report_every_days,
            leaders=leaders,
            co_leads=co_leads,
            milestones=milestones,
        )
        return self._commit(item)

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
        authorize(actor, rule.name, aggregate.owner, self.leadership(aggregate.plan_key))
        self._check_expected(aggregate, expected_version)
        self._check_references(rule, args)
        for need in rule.needs:
            args.update(self._supply(need, aggregate))
        if Need.HISTORY in rule.needs:
            args["admin"] = actor.role == "admin"
        rule.decide(aggregate, actor=actor.name, **args)
        return self._commit_if_changed(aggregate)

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

    def _supply(self, need: Need, item: WorkItem) -> dict[str, Any]:
        """What a decision needs besides its fields: the plan's period, the item's history."""
        if need is Need.PERIOD:
            plan = self.get_plan(item.plan_key)
            return {"period": (plan.starts, plan.ends)}
        if need is Need.LEADERS:
            return {"leaders": self._leaders()}
        return self._undo_facts(item)

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
        authorize(actor, "evidence", aggregate.owner)
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
        authorize(actor, "nominate")
        plan = self.get_plan(plan_key)
        check_kind(kind)
        self._check_nominee(kind, key)
        plan.nominate(actor=actor.name, kind=kind, nominee=key, reason=reason)
        return self._commit(plan)

    def withdraw_nomination(self, actor: Actor, plan_key: str, *, kind: str, key: str,
                            reason: str) -> Result:
        """Withdraw a standing nomination, with the reason (admin or leader)."""
        authorize(actor, "withdraw-nomination")
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
                    latest = (s.originator_version, type(event), getattr(event, "actor", ""))
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
