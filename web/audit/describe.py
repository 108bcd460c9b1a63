"""Audit records as sentences a person reads, in the user's language (one renderer per type)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext
from flask_babel import gettext as _

from tracker.domain import WorkItem
from tracker.domain.lifecycle import EVENT_NAMES, PersonKey, event_info
from tracker.domain.status import Status
from tracker.errors import N_
from web.labels import actor_name, in_capacity, status_label, with_open_children

Row = dict[str, Any]
Names = Mapping[str, str]

def _why(text: str, reason: object) -> str:
    return _("%(text)s: %(reason)s", text=text, reason=reason) if reason else text


def _shown(value: Any, people: Names) -> Any:
    """A fact as a reader sees it: people by name, statuses in words."""
    if isinstance(value, PersonKey):
        return people.get(value, value)
    if isinstance(value, Status):
        return status_label(value)
    return value


def _item(d: Row, row: Row, people: Names) -> str:
    """Sentences for WorkItem events, from the lifecycle's event table."""
    info = event_info(row["event_type"])
    if info is None:
        return _("%(who)s: %(event)s on “%(title)s”", who=row["who"], event=row["event_type"],
                 title=row["title"])
    facts = {k: _shown(v, people) for k, v in info.facts(d).items()}
    if info.event is WorkItem.Undone:  # what was undone is a label to translate ("the start")
        facts["what"] = gettext(facts["what"])
    who = in_capacity(row["who"], d)
    text = with_open_children(
        gettext(info.sentence) % {"who": who, "title": row["title"], **facts}, d)
    if info.event is WorkItem.ProgressReported and d.get("percent") is not None:
        text += f" ({d['percent']}%)"
    reason = next((d[f] for f in info.because if d.get(f)), None)
    if info.event is WorkItem.CompletionSubmitted and reason:
        reason = _("outcome %(outcome)s", outcome=reason)
    return _why(text, reason)


OTHER: dict[str, str] = {  # by "Aggregate.Event", as projections/directory.py keys them
    "Plan.Created": N_("%(who)s created the plan “%(name)s”"),
    "Plan.Edited": N_("%(who)s edited the plan “%(name)s”"),
    "Plan.GoalSet": N_("%(who)s set a goal of the plan “%(name)s”"),
    "Plan.PhaseSet": N_("%(who)s set a phase of the plan “%(name)s”"),
    "Plan.GradingSet": N_("%(who)s set the grading weights of the plan “%(name)s”"),
    "Plan.WipLimitsSet": N_("%(who)s set the board's column limits of the plan “%(name)s”"),
    "Plan.ThresholdsSet": N_("%(who)s set the grade thresholds of the plan “%(name)s”"),
    "Plan.Nominated": N_("%(who)s made a nomination in the plan “%(name)s”"),
    "Plan.NominationWithdrawn": N_("%(who)s withdrew a nomination in the plan “%(name)s”"),
    "Unit.Created": N_("%(who)s created the unit “%(name)s”"),
    "Unit.Renamed": N_("%(who)s renamed the unit “%(name)s”"),
    "Unit.LiaisonsSet": N_("%(who)s set the liaison leaders of the unit “%(name)s”"),
    "Unit.Assessed": N_("%(who)s assessed the unit “%(name)s”"),
    "Person.Created": N_("%(who)s added the person “%(name)s”"),
    "Person.RoleChanged": N_("%(who)s changed the role of “%(name)s”"),
    "Person.Renamed": N_("%(who)s renamed “%(name)s”"),
    "Person.Deactivated": N_("%(who)s deactivated “%(name)s”"),
    "Person.Reactivated": N_("%(who)s reactivated “%(name)s”"),
}
CHANGED = {"Plan": N_("%(who)s changed the plan “%(name)s”"),
           "Unit": N_("%(who)s changed the unit “%(name)s”"),
           "Person": N_("%(who)s changed “%(name)s”")}


def _setting(d: Row) -> str | None:
    """What a grading setting became, in words (weights or thresholds), if the event has one."""
    weights, floors = d.get("weights"), d.get("thresholds")
    if isinstance(weights, dict) and {"self", "superior"} <= set(weights):
        return gettext("self-assessment %(self)s %%, superior assessment %(superior)s %%") % {
            "self": weights["self"], "superior": weights["superior"]}
    if isinstance(floors, dict) and {"advanced", "good", "average"} <= set(floors):
        return _("advanced from %(advanced)s, good from %(good)s, average from %(average)s",
                 **{k: f"{float(floors[k]):g}" for k in ("advanced", "good", "average")})
    return None


def _other(d: Row, row: Row, people: Names) -> str:
    """Sentences for plans, people and units, one per event type (named, never by key)."""
    name = row["title"] if row["title"] != "?" else (d.get("title") or d.get("name") or "—")
    sentence = OTHER.get(f"{row['aggregate_type']}.{row['event_type']}",
                         CHANGED.get(row["aggregate_type"], N_("%(who)s made a change")))
    return _why(gettext(sentence) % {"who": row["who"], "name": name}, _setting(d))


OTHER_EVENTS = {
    "GoalSet": N_("goal set"), "PhaseSet": N_("phase set"), "GradingSet": N_("grading weights set"),
    "WipLimitsSet": N_("column limits set"),
    "ThresholdsSet": N_("grade thresholds set"),
    "Nominated": N_("nominated"), "NominationWithdrawn": N_("nomination withdrawn"),
    "Renamed": N_("renamed"), "LiaisonsSet": N_("liaison leaders set"),
    "Assessed": N_("unit assessed"), "RoleChanged": N_("role changed"),
    "Deactivated": N_("deactivated"), "Reactivated": N_("reactivated"),
}


def event_type_options() -> list[tuple[str, str]]:
    """Every event type the trail can be filtered by, named in the user's language."""
    options = [(name, gettext(event_info(name).done))  # type: ignore[union-attr]
               for name in sorted(EVENT_NAMES)]
    options += [(name, gettext(label)) for name, label in OTHER_EVENTS.items()]
    return sorted(options, key=lambda o: o[1])


RENDERERS: dict[str, Callable[[Row, Row, Names], str]] = {"WorkItem": _item}


def describe(row: Row, people: Names, titles: Names) -> str:
    """One audit row as a sentence: who did what to which item, from what to what, and why."""
    data = row.get("data") or {}
    facts = {**row, "who": actor_name(row["actor"], people),
             "title": titles.get(str(row["aggregate_id"]), data.get("title", "?"))}
    return RENDERERS.get(row["aggregate_type"], _other)(data, facts, people)
