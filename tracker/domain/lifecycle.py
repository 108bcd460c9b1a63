"""The lifecycle of a work item as data: one entry per command and one per event.

Everything else is derived from these two tables: the aggregate's guards, the permissions,
the item page's actions, the board's moves, labels and audit sentences, the API routes and
the OpenAPI document. A new command is one ``Rule``, one event (with its ``effect``) and one
decision method on ``WorkItem``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from tracker.domain.fields import Field
from tracker.domain.item import WorkItem
from tracker.domain.state import ItemState
from tracker.domain.status import CLOSED, EVERY_STATUS, OPEN_STATUSES, WORKING, Status
from tracker.errors import N_, IllegalStateError, PermissionDeniedError

E = WorkItem


class Party(StrEnum):
    """Who may run a command on an item."""

    OWNER = "owner"  # the item's responsible person
    LEADER = "leader"  # any leader (or administrator)
    SUPERVISOR = "supervisor"  # a leader who is not the item's owner
    REVIEWER = "reviewer"  # a leader who is neither the owner nor who asked for the decision
    ADMIN = "admin"  # an administrator (or the system)


class Need(StrEnum):
    """What the application supplies to a decision besides the submitted fields."""

    PERIOD = "period"  # the plan's period (dates must fall inside it)
    HISTORY = "history"  # the latest change and the state before it (undo)
    LEADERS = "leaders"  # the leadership group's people (the group leader under None)
    CHILDREN = "children"  # the keys of the item's sub-items that are still open
    CAPACITY = "capacity"  # whether an administrator without a role in the plan decides
    PEOPLE = "people"  # everyone's name by key (whom a text's @name mentions)


class PersonKey(str):
    """A person's key inside an audit fact (shown by name)."""


def _always(_: ItemState) -> bool:
    return True


@dataclass(frozen=True)
class Rule:
    """One item command: when, by whom, with what, recording which events."""

    name: str
    decide: Callable[..., None]  # the aggregate's decision method
    label: str
    starts: frozenset[Status]
    leads_to: Status | None
    parties: frozenset[Party]
    records: tuple[type[Any], ...]
    fields: tuple[Field, ...] = ()
    needs: frozenset[Need] = frozenset()
    when: Callable[[ItemState], bool] = _always
    refusal: str = N_("This is not possible while the item is %(status)s.")
    form: bool = True  # offered as a form on the item page and as POST /api/items/<id>/<name>

    @property
    def method(self) -> str:
        """The aggregate method that decides."""
        return self.decide.__name__

    @property
    def independent(self) -> bool:
        """Only someone other than the owner (and who asked) may run it."""
        return not self.parties & {Party.OWNER, Party.LEADER, Party.ADMIN}

    @property
    def undoable(self) -> bool:
        """Whether what it records can be undone."""
        return any(EVENTS[e].undo is not None for e in self.records)

    def possible(self, state: ItemState) -> bool:
        """Whether the item's state allows the command (whoever asks)."""
        return state.status in self.starts and self.when(state)

    def check(self, state: ItemState, actor: str) -> None:
        """Raise unless the state allows the command and the actor is independent enough."""
        if state.status not in self.starts:
            if state.status in CLOSED and Status.DOING not in self.starts:
                raise IllegalStateError(N_("The item is %(status)s; reopen it first."),
                                        status=state.status)
            raise IllegalStateError(N_("This is not possible while the item is %(status)s."),
                                    status=state.status)
        if not self.when(state):
            raise IllegalStateError(self.refusal, status=state.status)
        if self.independent and (actor == state.owner
                                 or Party.REVIEWER in self.parties and actor in state.asked_by()):
            raise PermissionDeniedError(N_("No one can do this on their own item or request."))


@dataclass(frozen=True)
class EventInfo:
    """One item event: how it reads, whether it can be undone, what the ledger counts."""

    event: type[Any]
    done: str  # past tense, for the timeline ("started work")
    sentence: str  # the audit line: %(who)s, %(title)s and the facts below
    facts: Callable[[dict[str, Any]], dict[str, Any]] = lambda d: {}
    undo: str | None = None  # what an undo names ("the start"); None: cannot be undone
    neutral: bool = False  # neither restores nor blocks undoing the change before it
    counts: tuple[tuple[str, str | None], ...] = ()  # ledger kinds, each against a person
    because: tuple[str, ...] = ("reason",)  # the fields that explain it
    decision: bool = False  # a reviewer's decision: only its maker may undo it


@dataclass(frozen=True)
class Badge:
    """A fact of the item's state that its card and page show while it holds."""

    field: str  # the ItemState field; the badge shows while it is set
    text: str  # %(value)s: the field's value (a person by name, a date as a date)
    kind: str = "text"  # text | person | date


def _rule(name: str, decide: Callable[..., None], label: str, starts: Any, leads_to: Status | None,
          parties: set[Party], records: tuple[type[Any], ...], *fields: Field,
          **extra: Any) -> Rule:
    return Rule(name, decide, label, frozenset(starts), leads_to, frozenset(parties), records,
                tuple(fields), **extra)


OWN, LEAD, SUP, REV, ADM = Party.OWNER, Party.LEADER, Party.SUPERVISOR, Party.REVIEWER, Party.ADMIN
NOT_CANCELLED = EVERY_STATUS - {Status.CANCELLED}
REASON = Field("reason", "text", True)

RULES: dict[str, Rule] = {r.name: r for r in (
    _rule("start", E.start, N_("Start"), {Status.TODO}, Status.DOING, {OWN, LEAD}, (E.Started,)),
    _rule("report", E.report_progress, N_("Report progress"), WORKING, None, {OWN, LEAD},
          (E.ProgressReported,), Field("note", "text", True), Field("percent", "int"),
          Field("on", "date"), needs=frozenset({Need.PEOPLE})),
    _rule("submit", E.submit_completion, N_("Submit as complete"), WORKING, Status.SUBMITTED,
          {OWN}, (E.CompletionSubmitted,), Field("outcome", "text", True),
          Field("evidence", "list"), Field("on", "date")),
    _rule("request-extension", E.request_extension, N_("Request an extension"), WORKING, None,
          {OWN}, (E.ExtensionRequested,), Field("new_due", "date", True), REASON,
          needs=frozenset({Need.PERIOD}), when=lambda s: s.pending_extension is None,
          refusal=N_("An extension request is already waiting for a decision.")),
    _rule("decide-extension", E.decide_extension, N_("Decide the extension"), OPEN_STATUSES,
          None, {REV}, (E.ExtensionGranted, E.ExtensionRefused), Field("grant", "bool", True),
          Field("note", "text"), needs=frozenset({Need.CAPACITY}),
          when=lambda s: s.pending_extension is not None,
          refusal=N_("There is no extension request to decide.")),
    _rule("chase", E.chase, N_("Chase"), WORKING, None, {SUP}, (E.Chased,),
          Field("note", "text", True)),
    _rule("issue-notice", E.issue_notice, N_("Issue a supervision notice"), WORKING, None,
          {SUP}, (E.NoticeIssued,), Field("requirement", "text", True),
          Field("reply_by", "date", True)),
    _rule("acknowledge-notice", E.acknowledge_notice, N_("Acknowledge the notice"),
          OPEN_STATUSES, None, {OWN}, (E.NoticeAcknowledged,),
          when=lambda s: s.notice_waiting("acknowledged_on") is not None,
          refusal=N_("There is no notice to acknowledge.")),
    _rule("answer-notice", E.answer_notice, N_("Answer the notice"), OPEN_STATUSES, None,
          {OWN}, (E.NoticeAnswered,), Field("reply", "text", True),
          when=lambda s: s.notice_waiting("answered_on") is not None,
          refusal=N_("There is no notice to answer.")),
    # A parent is accepted while sub-items are open only with the reason recorded.
    _rule("accept", E.accept, N_("Accept"), {Status.SUBMITTED}, Status.DONE, {REV}, (E.Accepted,),
          Field("note", "text"), Field("reason", "text"),
          needs=frozenset({Need.CHILDREN, Need.CAPACITY})),
    _rule("accept-milestone", E.accept_milestone, N_("Accept a milestone"), WORKING, None,
          {REV}, (E.MilestoneAccepted,), Field("milestone", "text", True), Field("note", "text"),
          when=lambda s: any(not m.get("done_on") for m in s.milestones),
          refusal=N_("The item has no open milestone.")),
    _rule("return", E.return_completion, N_("Return for more work"), {Status.SUBMITTED},
          Status.DOING, {REV}, (E.Returned,), REASON, needs=frozenset({Need.CAPACITY})),
    _rule("escalate", E.escalate, N_("Escalate"), WORKING, None, {SUP}, (E.Escalated,),
          Field("to", "person"), REASON, needs=frozenset({Need.LEADERS})),
    _rule("comment", E.comment, N_("Comment"), EVERY_STATUS, None, {OWN, LEAD}, (E.Commented,),
          Field("text", "text", True), needs=frozenset({Need.PEOPLE})),
    _rule("reassign", E.reassign, N_("Reassign"), OPEN_STATUSES, None, {LEAD}, (E.Reassigned,),
          Field("owner", "person", True), REASON),
    # A due-date change is a request (by the owner, or a supervisor on the owner's behalf)
    # that takes effect only when another reviewer grants it (decide-extension).
    _rule("reschedule", E.reschedule, N_("Reschedule"), OPEN_STATUSES, None, {OWN, SUP},
          (E.ExtensionRequested,), Field("due", "date", True), REASON,
          needs=frozenset({Need.PERIOD}), when=lambda s: s.pending_extension is None,
          refusal=N_("An extension request is already waiting for a decision.")),
    _rule("units", E.change_units, N_("Change units"), OPEN_STATUSES, None, {LEAD},
          (E.UnitsChanged,), Field("lead_unit", "unit", True), Field("units", "list")),
    _rule("cancel", E.cancel, N_("Cancel the item"), OPEN_STATUSES, Status.CANCELLED, {LEAD},
          (E.Cancelled,), REASON),
    _rule("reopen", E.reopen, N_("Reopen"), CLOSED, Status.DOING, {LEAD}, (E.Reopened,), REASON,
          needs=frozenset({Need.CAPACITY})),
    # The deliverable is a commitment: the owner's change waits for a reviewer's decision,
    # anyone else's needs a reason.
    _rule("edit", E.edit, N_("Edit"), NOT_CANCELLED, None, {OWN, LEAD},
          (E.Edited, E.DeliverableChangeRequested, E.DeliverableChanged),
          Field("title", "text"), Field("deliverable", "text"), Field("description", "text"),
          Field("reason", "text"), needs=frozenset({Need.CAPACITY})),
    _rule("decide-deliverable", E.decide_deliverable, N_("Decide the deliverable change"),
          NOT_CANCELLED, None, {REV}, (E.DeliverableChanged, E.DeliverableChangeRefused),
          Field("grant", "bool", True), Field("note", "text"), needs=frozenset({Need.CAPACITY}),
          when=lambda s: s.pending_deliverable is not None,
          refusal=N_("There is no change of the deliverable to decide.")),
    _rule("undo", E.undo, N_("Undo"), EVERY_STATUS, None, {OWN, LEAD}, (E.Undone,),
          Field("version", "int", True), Field("reason", "text"),
          needs=frozenset({Need.HISTORY})),
    _rule("evidence", E.attach_evidence, N_("Attach a file"), NOT_CANCELLED, None, {OWN, LEAD},
          (E.EvidenceAttached,), form=False),
    _rule("link-evidence", E.link_evidence, N_("Add a link"), NOT_CANCELLED, None, {OWN, LEAD},
          (E.EvidenceLinked,), Field("url", "text", True), Field("description", "text")),
    _rule("remind", E.remind, N_("Remind"), WORKING, None, {ADM}, (E.Reminded,), form=False),
)}
# The commands offered as forms on the item page and as API routes, in the order a user
# meets them.
COMMANDS: dict[str, Rule] = {name: r for name, r in RULES.items() if r.form}


def _moved(d: dict[str, Any], new: Status, old: Status = Status.SUBMITTED) -> dict[str, Any]:
    return {"old": Status(d.get("old_status") or old), "new": new}


EVENTS: dict[type[Any], EventInfo] = {i.event: i for i in (
    EventInfo(E.Created, N_("created the item"), N_("%(who)s created “%(title)s”")),
    EventInfo(E.Edited, N_("edited"), N_("%(who)s edited “%(title)s”"), neutral=True),
    EventInfo(E.DeliverableChangeRequested, N_("asked to change the deliverable"),
              N_("%(who)s asked to change the deliverable of “%(title)s” to %(new)s"),
              facts=lambda d: {"new": d["deliverable"]}),
    EventInfo(E.DeliverableChanged, N_("changed the deliverable"),
              N_("%(who)s changed the deliverable of “%(title)s” from %(old)s to %(new)s"),
              facts=lambda d: {"old": d["old"], "new": d["deliverable"]},
              counts=(("deliverable_changes", None),), decision=True),
    EventInfo(E.DeliverableChangeRefused, N_("refused the deliverable change"),
              N_("%(who)s refused the change of the deliverable of “%(title)s”"),
              because=("note",), decision=True),
    EventInfo(E.Commented, N_("commented"), N_("%(who)s commented on “%(title)s”"),
              neutral=True, because=("text",)),
    EventInfo(E.Started, N_("started work"), N_("%(who)s started “%(title)s”"),
              undo=N_("the start")),
    EventInfo(E.ProgressReported, N_("reported progress"),
              N_("%(who)s reported progress on “%(title)s”"), because=("note",)),
    EventInfo(E.Chased, N_("chased"), N_("%(who)s chased “%(title)s”"), neutral=True,
              counts=(("chased", None),), because=("note",)),
    EventInfo(E.NoticeIssued, N_("issued a supervision notice"),
              N_("%(who)s issued a supervision notice on “%(title)s”, reply by %(new)s"),
              facts=lambda d: {"new": d["reply_by"]}, neutral=True,
              because=("requirement",)),
    EventInfo(E.NoticeAcknowledged, N_("acknowledged the notice"),
              N_("%(who)s acknowledged the supervision notice on “%(title)s”"), neutral=True,
              because=()),
    EventInfo(E.NoticeAnswered, N_("answered the notice"),
              N_("%(who)s answered the supervision notice on “%(title)s”"), neutral=True,
              because=("reply",)),
    EventInfo(E.ExtensionRequested, N_("requested an extension"),
              N_("%(who)s asked to extend “%(title)s” to %(new)s"),
              facts=lambda d: {"new": d["new_due"]}, counts=(("extensions_requested", None),)),
    EventInfo(E.ExtensionGranted, N_("granted the extension"),
              N_("%(who)s moved the due date of “%(title)s” from %(old)s to %(new)s"),
              facts=lambda d: {"old": d["old_due"], "new": d["new_due"]},
              undo=N_("the granted extension"),
              counts=(("extensions_granted", None), ("deadline_changes", None)),
              because=("note",), decision=True),
    EventInfo(E.ExtensionRefused, N_("refused the extension"),
              N_("%(who)s refused the extension of “%(title)s”"),
              counts=(("extensions_refused", None),), because=("note",), decision=True),
    EventInfo(E.Rescheduled, N_("rescheduled"),
              N_("%(who)s moved the due date of “%(title)s” from %(old)s to %(new)s"),
              facts=lambda d: {"old": d["old_due"], "new": d["due"]},
              undo=N_("the new due date"), counts=(("deadline_changes", None),)),
    EventInfo(E.Reassigned, N_("reassigned"),
              N_("%(who)s reassigned “%(title)s” from %(old)s to %(new)s"),
              facts=lambda d: {"old": PersonKey(d["old_owner"]), "new": PersonKey(d["owner"])},
              undo=N_("the reassignment"),
              counts=(("reassigned_away", "old_owner"), ("reassigned_to", "owner"))),
    EventInfo(E.Escalated, N_("escalated the item"),
              N_("%(who)s escalated “%(title)s” to %(new)s"),
              facts=lambda d: {"new": PersonKey(d["to"])}, undo=N_("the escalation"),
              counts=(("escalated", None), ("escalations_received", "to"))),
    EventInfo(E.UnitsChanged, N_("changed the units"),
              N_("%(who)s changed the units of “%(title)s”"), undo=N_("the unit change")),
    EventInfo(E.CompletionSubmitted, N_("submitted the completion"),
              N_("%(who)s moved “%(title)s” to %(new)s"),
              facts=lambda d: {"new": Status.SUBMITTED}, undo=N_("the submission"),
              because=("outcome",)),
    EventInfo(E.Accepted, N_("accepted"), N_("%(who)s accepted “%(title)s”"),
              undo=N_("the acceptance"), because=("reason", "note"), decision=True),
    EventInfo(E.MilestoneAccepted, N_("accepted a milestone"),
              N_("%(who)s accepted the milestone %(milestone)s of “%(title)s”"),
              facts=lambda d: {"milestone": d["milestone_title"]}, because=("note",)),
    EventInfo(E.Returned, N_("returned it for more work"),
              N_("%(who)s moved “%(title)s” from %(old)s to %(new)s"),
              facts=lambda d: _moved(d, Status.DOING), undo=N_("the return"),
              counts=(("returned", None),), decision=True),
    EventInfo(E.Cancelled, N_("cancelled the item"),
              N_("%(who)s moved “%(title)s” from %(old)s to %(new)s"),
              facts=lambda d: _moved(d, Status.CANCELLED), undo=N_("the cancellation")),
    EventInfo(E.Reopened, N_("reopened the item"),
              N_("%(who)s moved “%(title)s” from %(old)s to %(new)s"),
              facts=lambda d: _moved(d, Status.DOING), undo=N_("the reopening"),
              decision=True),
    EventInfo(E.EvidenceAttached, N_("attached a file"),
              N_("%(who)s attached the file %(name)s to “%(title)s” (SHA-256 %(sha)s)"),
              facts=lambda d: {"name": d["name"], "sha": d["sha256"]}, neutral=True,
              because=("description",)),
    EventInfo(E.EvidenceLinked, N_("added an evidence link"),
              N_("%(who)s added the link %(url)s as evidence to “%(title)s”"),
              facts=lambda d: {"url": d["url"]}, neutral=True, because=("description",)),
    EventInfo(E.Reminded, N_("was reminded"), N_("%(who)s reminded the owner of “%(title)s”"),
              because=()),
    EventInfo(E.Undone, N_("undid a change"),
              N_("%(who)s undid %(what)s of “%(title)s” (version %(version)s)"),
              facts=lambda d: {"what": undo_label(d["undone_type"]), "version": d["undoes"]}),
)}
# What the ledger counts (each kind is a figure per person), in the reports' column order.
LEDGER_COUNTERS: dict[str, str] = {
    "reassigned_to": N_("Reassigned to them"), "reassigned_away": N_("Reassigned away"),
    "extensions_requested": N_("Extensions requested"),
    "extensions_granted": N_("Extensions granted"),
    "extensions_refused": N_("Extensions refused"), "deadline_changes": N_("Deadline changes"),
    "deliverable_changes": N_("Deliverable changes"),
    "returned": N_("Completions returned"),
    "chased": N_("Chases received"), "escalated": N_("Escalated (as owner)"),
    "escalations_received": N_("Escalations received (as leader)"),
}
# The state's facts a card and the item page show while they hold.
BADGES: tuple[Badge, ...] = (
    Badge("pending_extension", N_("Extension pending")),
    Badge("pending_deliverable", N_("Deliverable change pending")),
    Badge("deliverable_changes", N_("Deliverable changed ×%(value)s")),
    Badge("escalated_to", N_("Escalated to %(value)s"), "person"),
    Badge("open_at_acceptance", N_("Accepted with sub-items open: %(value)s")),
)
# How a decision by an administrator who holds no role in the item's plan reads after it
# (events record it as ``as_admin``), and how an acceptance with open sub-items does.
AS_ADMIN = N_("%(who)s (as administrator)")
WITH_OPEN_CHILDREN = N_("%(text)s (sub-items still open: %(count)s)")
# How one due-date request reads (ItemState.due_requests): who asked for which date, and the
# decision on it.
DUE_ASKED = N_("%(who)s asked on %(on)s for %(due)s")
DUE_DECIDED = {True: N_("%(text)s; granted by %(who)s on %(on)s"),
               False: N_("%(text)s; refused by %(who)s on %(on)s"),
               None: N_("%(text)s; waiting for a decision")}
# The state's fields naming who answers for an item: it is in each of these people's work.
ANSWERABLE: tuple[str, ...] = ("owner", "escalated_to")
EVENT_NAMES: dict[str, type[Any]] = {cls.__name__: cls for cls in EVENTS}
UNDO: Rule = RULES["undo"]


def event_info(name: str) -> EventInfo | None:
    """The table entry of the item event with this name (as stored and projected)."""
    cls = EVENT_NAMES.get(name)
    return EVENTS[cls] if cls is not None else None


def undo_label(name: str) -> str:
    """What an undo of the event with this name undoes ("the start")."""
    info = event_info(name)
    return info.undo if info is not None and info.undo is not None else name


def counts_as_change(name: str) -> bool:
    """Whether an event is a change an undo looks at (not a note, a chase or a file)."""
    info = event_info(name)
    return info is not None and not info.neutral and info.event is not E.Created


def undoable_change(history_types: list[str]) -> str | None:
    """The latest change in a history (event names, oldest first) if it can be undone."""
    latest = next((t for t in reversed(history_types) if not _is_neutral(t)), None)
    info = event_info(latest) if latest else None
    return latest if info is not None and info.undo is not None else None


def _is_neutral(name: str) -> bool:
    info = event_info(name)
    return info is not None and info.neutral


def check_undo(version: int, latest: tuple[int, type[Any], str, datetime] | None,
               actor: str = "", admin: bool = False, *, now: datetime,
               window: timedelta) -> type[Any]:
    """The event class an undo of ``version`` compensates, or why it cannot be undone.

    Only who made a change may undo it (an administrator too, except a reviewer's decision,
    which only another decision reverses), and only within ``window`` after it was made."""
    if latest is None:
        raise IllegalStateError(N_("There is no change to undo."))
    latest_version, latest_type, made_by, made_at = latest
    if latest_type is E.Undone:
        raise IllegalStateError(N_("The latest change was already undone."))
    if version != latest_version:
        raise IllegalStateError(N_("Only the latest change can be undone."))
    if EVENTS[latest_type].undo is None:
        raise IllegalStateError(
            N_("Only a move, a cancellation, a reassignment or a new due date can be undone."))
    if made_by != actor and EVENTS[latest_type].decision:
        raise PermissionDeniedError(
            N_("Only %(who)s, who decided this, can undo it; anyone else must decide again."),
            who=PersonKey(made_by))
    if made_by != actor and not admin:
        raise PermissionDeniedError(
            N_("Only %(who)s, who made this change, or an administrator can undo it."),
            who=PersonKey(made_by))
    if not within_undo_window(made_at, now, window):
        raise IllegalStateError(
            N_("A change can be undone only within %(minutes)s minutes of it; that time has "
               "passed, so no one can undo it now: whoever may run the command concerned must "
               "make a new change."), minutes=int(window.total_seconds() // 60))
    return latest_type


def within_undo_window(made_at: datetime, now: datetime, window: timedelta) -> bool:
    """Whether a change made at ``made_at`` may still be undone at ``now``."""
    return now - made_at <= window


def moves() -> dict[tuple[Status, Status], Rule]:
    """Each board move (from a column to another) and the command that makes it."""
    return {(start, r.leads_to): r for r in COMMANDS.values() if r.leads_to is not None
            for start in sorted(r.starts) if start != r.leads_to}


def answerable(state: ItemState) -> set[str]:
    """Everyone an item is in the work of (its owner, and whoever else the table names)."""
    return {str(getattr(state, f)) for f in ANSWERABLE if getattr(state, f)}
