"""Audit records as sentences a person reads, in the user's language (one renderer per type)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.domain import WorkItem
from tracker.domain.lifecycle import PersonKey, event_info
from tracker.domain.status import Status
from web.labels import actor_label, status_label

Row = dict[str, Any]
Names = dict[str, str]

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
    text = gettext(info.sentence) % {"who": row["who"], "title": row["title"], **facts}
    if info.event is WorkItem.ProgressReported and d.get("percent") is not None:
        text += f" ({d['percent']}%)"
    reason = next((d[f] for f in info.because if d.get(f)), None)
    if info.event is WorkItem.CompletionSubmitted and reason:
        reason = _("outcome %(outcome)s", outcome=reason)
    return _why(text, reason)


KIND = {"Plan": _l("plan"), "Person": _l("person"), "Unit": _l("unit")}


def _other(d: Row, row: Row, people: Names) -> str:
    """Sentences for plans, people and units."""
    name = d.get("title") or d.get("name") or d.get("key")
    what = KIND.get(row["aggregate_type"], row["aggregate_type"])
    if row["version"] == 1:
        return _("%(who)s created %(what)s “%(name)s”", who=row["who"], what=what,
                 name=name or row["aggregate_id"])
    if name:
        return _("%(who)s changed %(what)s “%(name)s”", who=row["who"], what=what, name=name)
    return _("%(who)s changed a %(what)s", who=row["who"], what=what)


RENDERERS: dict[str, Callable[[Row, Row, Names], str]] = {"WorkItem": _item}


def describe(row: Row, people: Names, titles: Names) -> str:
    """One audit row as a sentence: who did what to which item, from what to what, and why."""
    data = row.get("data") or {}
    facts = {**row, "who": actor_label(row["actor"], people),
             "title": titles.get(str(row["aggregate_id"]), data.get("title", "?"))}
    return RENDERERS.get(row["aggregate_type"], _other)(data, facts, people)
