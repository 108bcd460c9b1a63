"""The WorkItem aggregate: one concrete piece of work with a responsible owner and a deadline.

Public methods decide (check the rules, raise a named error); private ``@event`` methods only
apply, so replaying old events never re-runs today's rules.
"""

from __future__ import annotations

from datetime import date
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
from tracker.errors import N_, IllegalStateError, PermissionDeniedError, ValidationError

STATUSES = ("todo", "doing", "submitted", "done", "cancelled")
OPEN_STATUSES = ("todo", "doing", "submitted")
EDITABLE_FIELDS = ("title", "deliverable", "description")


class WorkItem(Aggregate):
    """A work item 工作项目: title, deliverable, owner, units, due date, phase, goal, status."""

    @staticmethod
    def create_id(plan_key: str, key: str, **_: Any) -> UUID:
        return item_id(plan_key, key)

    @classmethod
    def create(
        cls,
        *,
        actor: str,
        plan_key: str,
        period: tuple[date, date],
        key: str,
        title: str,
        owner: str,
        lead_unit: str,
        due: date,
        units: list[str] | None = None,
        phase: str | None = None,
        goal: str | None = None,
        deliverable: str = "",
        description: str = "",
        parent: str | None = None,
        report_every_days: int | None = None,
    ) -> WorkItem:
        """Decide to create an item; references were checked by the application."""
        check_in_period(check_date(due, "due date"), *period, field="due date")
        if report_every_days is not None and (
            isinstance(report_every_days, bool)
            or not isinstance(report_every_days, int)
            or not 1 <= report_every_days <= 366
        ):
            raise ValidationError(
                N_("The report cadence must be a whole number of days, 1 to 366.")
            )
        supporting = [u for u in dict.fromkeys(units or []) if u != lead_unit]
        return cls(
            actor=actor,
            plan_key=plan_key,
            key=key,
            title=clean_title(title),
            deliverable=clean_text(deliverable, "deliverable"),
            description=clean_text(description, "description"),
            owner=owner,
            lead_unit=lead_unit,
            units=supporting,
            due=due,
            phase=phase,
            goal=goal,
            parent=parent,
            report_every_days=report_every_days,
        )

    class Created(Aggregate.Created):
        """v2 added parent and report_every_days (decomposition and report cadence)."""

        class_version = 2
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

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.setdefault("parent", None)
            state.setdefault("report_every_days", None)

    class ProgressReported(Aggregate.Event):
        """v2 added the date the progress happened (``on``)."""

        class_version = 2
        actor: str
        note: str
        percent: int | None
        on: date | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.setdefault("on", None)

    @event(Created)
    def __init__(
        self,
        *,
        actor: str,
        plan_key: str,
        key: str,
        title: str,
        deliverable: str,
        description: str,
        owner: str,
        lead_unit: str,
        units: list[str],
        due: date,
        phase: str | None,
        goal: str | None,
        parent: str | None,
        report_every_days: int | None,
    ) -> None:
        self.plan_key, self.key, self.title = plan_key, key, title
        self.deliverable, self.description = deliverable, description
        self.owner, self.lead_unit, self.units = owner, lead_unit, list(units)
        self.due = self.original_due = due
        self.phase, self.goal, self.parent = phase, goal, parent
        self.report_every_days = report_every_days
        self.status = "todo"
        self.percent: int | None = None
        self.last_report_on: date | None = None
        self.pending_extension: dict[str, Any] | None = None
        self.returns = 0
        self.chases = 0
        self.completion: dict[str, Any] | None = None

    # -- guards -------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def _require(self, *statuses: str) -> None:
        if self.status not in statuses:
            raise IllegalStateError(
                N_("This is not possible while the item is %(status)s."), status=self.status
            )

    def _require_not_closed(self) -> None:
        if self.status == "cancelled":
            raise IllegalStateError(N_("The item is cancelled; reopen it first."))
        if self.status == "done":
            raise IllegalStateError(N_("The item is done; reopen it first."))

    @staticmethod
    def _reason(reason: str) -> str:
        return clean_text(reason, "reason", required=True)

    # -- content ------------------------------------------------------------------------------

    def edit(self, *, actor: str, **fields: str) -> None:
        """Change title, deliverable or description; old and new values go in the event."""
        if self.status == "cancelled":
            raise IllegalStateError(N_("The item is cancelled; reopen it first."))
        changes: dict[str, list[str]] = {}
        for field, value in fields.items():
            if field not in EDITABLE_FIELDS:
                raise ValidationError(N_("%(field)s cannot be edited here."), field=field)
            if value is None:
                continue
            new = clean_title(value) if field == "title" else clean_text(value, field)
            if new != getattr(self, field):
                changes[field] = [getattr(self, field), new]
        if changes:
            self._edited(actor=actor, changes=changes)

    @event("Edited")
    def _edited(self, *, actor: str, changes: dict[str, list[str]]) -> None:
        for field, (_old, new) in changes.items():
            setattr(self, field, new)

    def comment(self, *, actor: str, text: str) -> None:
        """Add a comment (allowed in every status)."""
        self._commented(actor=actor, text=clean_text(text, "comment", required=True))

    @event("Commented")
    def _commented(self, *, actor: str, text: str) -> None:
        pass

    # -- work ---------------------------------------------------------------------------------

    def start(self, *, actor: str) -> None:
        """Begin work on an item that is still to do."""
        self._require("todo")
        self._started(actor=actor)

    @event("Started")
    def _started(self, *, actor: str) -> None:
        self.status = "doing"

    def report_progress(
        self, *, actor: str, note: str, percent: int | None = None, on: date | None = None
    ) -> None:
        """Record a progress report 进展反馈 (note, optional percent and date)."""
        self._require("todo", "doing")
        if percent is not None and (
            isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100
        ):
            raise ValidationError(N_("The percent must be a whole number from 0 to 100."))
        if on is not None:
            check_date(on, "report date")
        self._progress_reported(
            actor=actor, note=clean_text(note, "note", required=True), percent=percent, on=on
        )

    @event(ProgressReported)
    def _progress_reported(
        self, *, actor: str, note: str, percent: int | None, on: date | None
    ) -> None:
        if percent is not None:
            self.percent = percent
        if self.status == "todo":
            self.status = "doing"
        self.last_report_on = on or self.modified_on.date()

    def chase(self, *, actor: str, note: str) -> None:
        """A supervisor's recorded prompt 催办 on an open item."""
        self._require("todo", "doing")
        if actor == self.owner:
            raise PermissionDeniedError(N_("Owners cannot chase their own items."))
        self._chased(actor=actor, note=clean_text(note, "note", required=True))

    @event("Chased")
    def _chased(self, *, actor: str, note: str) -> None:
        self.chases += 1

    # -- deadlines ----------------------------------------------------------------------------

    def request_extension(
        self, *, actor: str, new_due: date, reason: str, period: tuple[date, date]
    ) -> None:
        """Ask for a later due date 延期申请."""
        self._require("todo", "doing")
        if self.pending_extension is not None:
            raise IllegalStateError(N_("An extension request is already waiting for a decision."))
        check_in_period(check_date(new_due, "new due date"), *period, field="new due date")
        if new_due <= self.due:
            raise ValidationError(
                N_("The new due date must be later than %(due)s."), due=self.due.isoformat()
            )
        self._extension_requested(actor=actor, new_due=new_due, reason=self._reason(reason))

    @event("ExtensionRequested")
    def _extension_requested(self, *, actor: str, new_due: date, reason: str) -> None:
        self.pending_extension = {"new_due": new_due, "reason": reason, "by": actor}

    def decide_extension(self, *, actor: str, grant: bool, note: str = "") -> None:
        """Grant or refuse the pending extension request; a grant moves the due date in force."""
        if self.pending_extension is None or not self.is_open:
            raise IllegalStateError(N_("There is no extension request to decide."))
        if actor == self.pending_extension["by"] or actor == self.owner:
            raise PermissionDeniedError(N_("You cannot decide your own extension request."))
        if not isinstance(grant, bool):
            raise ValidationError(N_("Say whether the extension is granted."))
        note = clean_text(note, "note")
        if grant:
            self._extension_granted(
                actor=actor, old_due=self.due, new_due=self.pending_extension["new_due"], note=note
            )
        else:
            self._extension_refused(actor=actor, note=note)

    @event("ExtensionGranted")
    def _extension_granted(self, *, actor: str, old_due: date, new_due: date, note: str) -> None:
        self.due = new_due
        self.pending_extension = None

    @event("ExtensionRefused")
    def _extension_refused(self, *, actor: str, note: str) -> None:
        self.pending_extension = None

    def reschedule(self, *, actor: str, due: date, reason: str, period: tuple[date, date]) -> None:
        """A reviewer sets a new due date directly, with a reason."""
        self._require_not_closed()
        check_in_period(check_date(due, "due date"), *period, field="due date")
        if due != self.due:
            self._rescheduled(actor=actor, old_due=self.due, due=due, reason=self._reason(reason))

    @event("Rescheduled")
    def _rescheduled(self, *, actor: str, old_due: date, due: date, reason: str) -> None:
        self.due = due

    # -- responsibility -----------------------------------------------------------------------

    def reassign(self, *, actor: str, owner: str, reason: str) -> None:
        """Give the item to another responsible person, with a reason."""
        self._require_not_closed()
        if owner == self.owner:
            raise ValidationError(N_("%(owner)s already owns this item."), owner=owner)
        self._reassigned(
            actor=actor, old_owner=self.owner, owner=owner, reason=self._reason(reason)
        )

    @event("Reassigned")
    def _reassigned(self, *, actor: str, old_owner: str, owner: str, reason: str) -> None:
        self.owner = owner

    def change_units(self, *, actor: str, lead_unit: str, units: list[str]) -> None:
        """Change the lead unit 牵头 and the supporting units 协办."""
        self._require_not_closed()
        supporting = [u for u in dict.fromkeys(units) if u != lead_unit]
        if lead_unit != self.lead_unit or supporting != self.units:
            self._units_changed(
                actor=actor,
                old_lead_unit=self.lead_unit,
                old_units=self.units,
                lead_unit=lead_unit,
                units=supporting,
            )

    @event("UnitsChanged")
    def _units_changed(
        self,
        *,
        actor: str,
        old_lead_unit: str,
        old_units: list[str],
        lead_unit: str,
        units: list[str],
    ) -> None:
        self.lead_unit, self.units = lead_unit, list(units)

    # -- completion ---------------------------------------------------------------------------

    def submit_completion(
        self, *, actor: str, outcome: str, evidence: list[str] | None = None, on: date | None = None
    ) -> None:
        """The owner submits the outcome and evidence 办结 for review."""
        self._require("todo", "doing")
        evidence = [clean_text(e, "evidence link", required=True) for e in evidence or []]
        if on is not None:
            check_date(on, "completion date")
        self._completion_submitted(
            actor=actor, outcome=clean_text(outcome, "outcome", True), evidence=evidence, on=on
        )

    @event("CompletionSubmitted")
    def _completion_submitted(
        self, *, actor: str, outcome: str, evidence: list[str], on: date | None
    ) -> None:
        self.status = "submitted"
        self.completion = {
            "outcome": outcome,
            "evidence": list(evidence),
            "on": on or self.modified_on.date(),
            "by": actor,
        }

    def accept(self, *, actor: str, note: str = "") -> None:
        """A reviewer who is not the owner accepts the submitted completion."""
        self._require("submitted")
        if actor == self.owner or (self.completion and actor == self.completion["by"]):
            raise PermissionDeniedError(N_("No one can accept their own completion."))
        self._accepted(actor=actor, note=clean_text(note, "note"))

    @event("Accepted")
    def _accepted(self, *, actor: str, note: str) -> None:
        self.status = "done"
        self.percent = 100

    def return_completion(self, *, actor: str, reason: str) -> None:
        """Send a submitted completion back for more work 退回重办."""
        self._require("submitted")
        if actor == self.owner:
            raise PermissionDeniedError(N_("No one can return their own completion."))
        self._returned(actor=actor, reason=self._reason(reason))

    @event("Returned")
    def _returned(self, *, actor: str, reason: str) -> None:
        self.status = "doing"
        self.returns += 1
        self.completion = None

    def cancel(self, *, actor: str, reason: str) -> None:
        """Cancel an open item, with a reason."""
        self._require(*OPEN_STATUSES)
        self._cancelled(actor=actor, old_status=self.status, reason=self._reason(reason))

    @event("Cancelled")
    def _cancelled(self, *, actor: str, old_status: str, reason: str) -> None:
        self.status = "cancelled"
        self.pending_extension = None  # a cancelled item's open request lapses with it

    def reopen(self, *, actor: str, reason: str) -> None:
        """Reopen a done or cancelled item; it goes back to in progress."""
        self._require("done", "cancelled")
        self._reopened(actor=actor, old_status=self.status, reason=self._reason(reason))

    @event("Reopened")
    def _reopened(self, *, actor: str, old_status: str, reason: str) -> None:
        self.status = "doing"
        self.completion = None

    # -- evidence -----------------------------------------------------------------------------

    def attach_evidence(
        self, *, actor: str, sha256: str, name: str, size: int, content_type: str
    ) -> None:
        """Record a stored evidence file by its SHA-256, so the audit chain covers its content."""
        if self.status == "cancelled":
            raise IllegalStateError(N_("The item is cancelled; reopen it first."))
        if not (isinstance(sha256, str) and len(sha256) == 64
                and all(c in "0123456789abcdef" for c in sha256)):
            raise ValidationError(N_("%(field)s must be a SHA-256 in hexadecimal."), field="sha256")
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValidationError(N_("%(field)s must be a whole number from 1."), field="size")
        self._evidence_attached(
            actor=actor, sha256=sha256, name=clean_title(name, "file name"), size=size,
            content_type=clean_text(content_type, "content type", required=True),
        )

    @event("EvidenceAttached")
    def _evidence_attached(
        self, *, actor: str, sha256: str, name: str, size: int, content_type: str
    ) -> None:
        file = {"sha256": sha256, "name": name, "size": size, "content_type": content_type}
        self.evidence = [*getattr(self, "evidence", []), file]

    # -- reminders ----------------------------------------------------------------------------

    def was_reminded(self, cause: str) -> bool:
        """Whether a Reminded event for this cause (e.g. "red:2012-06-30") is in the history."""
        return cause in getattr(self, "reminded", ())

    def remind(self, *, actor: str, cause: str, due: date) -> None:
        """Record a reminder to the owner for a cause; never twice for the same cause."""
        self._require("todo", "doing")
        cause = clean_text(cause, "cause", required=True)
        if self.was_reminded(cause):
            raise IllegalStateError(N_("The owner was already reminded (%(cause)s)."), cause=cause)
        self._reminded(actor=actor, cause=cause, due=check_date(due, "due date"), owner=self.owner)

    @event("Reminded")
    def _reminded(self, *, actor: str, cause: str, due: date, owner: str) -> None:
        self.reminded = [*getattr(self, "reminded", []), cause]

    # -- undo ---------------------------------------------------------------------------------

    def undo(
        self,
        *,
        actor: str,
        version: int,
        latest: tuple[int, str] | None,
        previous: dict[str, Any],
        reason: str = "",
    ) -> None:
        """Compensate the latest change (a move, cancel, reassignment or new due date)."""
        if latest is None:
            raise IllegalStateError(N_("There is no change to undo."))
        latest_version, latest_type = latest
        if latest_type == "Undone":
            raise IllegalStateError(N_("The latest change was already undone."))
        if version != latest_version:
            raise IllegalStateError(N_("Only the latest change can be undone."))
        if latest_type not in UNDOABLE:
            raise IllegalStateError(
                N_("Only a move, a cancellation, a reassignment or a new due date can be undone.")
            )
        changes = {
            f: [getattr(self, f), previous[f]]
            for f in RESTORED
            if f in previous and previous[f] != getattr(self, f)
        }
        self._undone(
            actor=actor,
            undoes=version,
            undone_type=latest_type,
            changes=changes,
            reason=clean_text(reason, "reason"),
        )

    @event("Undone")
    def _undone(
        self,
        *,
        actor: str,
        undoes: int,
        undone_type: str,
        changes: dict[str, list[Any]],
        reason: str,
    ) -> None:
        for field, (_now, restored) in changes.items():
            setattr(self, field, restored)


# Changes that can be undone, the item's fields an undo restores, and events that neither
# change those fields nor block an undo of the change before them.
UNDOABLE = (
    "Started",
    "CompletionSubmitted",
    "Accepted",
    "Returned",
    "Cancelled",
    "Reopened",
    "Reassigned",
    "Rescheduled",
    "ExtensionGranted",
    "UnitsChanged",
)
RESTORED = (
    "status",
    "owner",
    "due",
    "lead_unit",
    "units",
    "percent",
    "completion",
    "pending_extension",
    "returns",
)
NEUTRAL = ("Commented", "Chased", "Edited", "EvidenceAttached")
