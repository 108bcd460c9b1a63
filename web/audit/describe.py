"""Audit records as sentences a person reads, in the user's language (one renderer per type)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

Row = dict[str, Any]
Names = dict[str, str]

STATUS = {"todo": _l("To do"), "doing": _l("In progress"), "submitted": _l("Submitted"),
          "done": _l("Done"), "cancelled": _l("Cancelled")}
UNDONE = {"Started": _l("the start"), "CompletionSubmitted": _l("the submission"),
          "Accepted": _l("the acceptance"), "Returned": _l("the return"),
          "Cancelled": _l("the cancellation"), "Reopened": _l("the reopening"),
          "Reassigned": _l("the reassignment"), "Rescheduled": _l("the new due date"),
          "ExtensionGranted": _l("the granted extension"), "UnitsChanged": _l("the unit change")}


def _status(value: object) -> str:
    return str(STATUS.get(str(value), value))


def _why(text: str, reason: object) -> str:
    return _("%(text)s: %(reason)s", text=text, reason=reason) if reason else text


def _item(d: Row, row: Row, people: Names) -> str:
    """Sentences for WorkItem events."""
    kind, who, title = row["event_type"], row["who"], row["title"]
    simple = {
        "Created": _("%(who)s created “%(title)s”"), "Started": _("%(who)s started “%(title)s”"),
        "Commented": _("%(who)s commented on “%(title)s”"),
        "Edited": _("%(who)s edited “%(title)s”"), "Chased": _("%(who)s chased “%(title)s”"),
        "Accepted": _("%(who)s accepted “%(title)s”"),
        "ExtensionRefused": _("%(who)s refused the extension of “%(title)s”"),
        "UnitsChanged": _("%(who)s changed the units of “%(title)s”"),
    }
    if kind in simple:
        text = simple[kind] % {"who": who, "title": title}
        return _why(text, d.get("text") or d.get("note"))
    if kind == "Reassigned":
        text = _("%(who)s reassigned “%(title)s” from %(old)s to %(new)s", who=who, title=title,
                 old=people.get(d["old_owner"], d["old_owner"]),
                 new=people.get(d["owner"], d["owner"]))
        return _why(text, d.get("reason"))
    if kind in ("Rescheduled", "ExtensionGranted"):
        new = d.get("due") or d.get("new_due")
        text = _("%(who)s moved the due date of “%(title)s” from %(old)s to %(new)s", who=who,
                 title=title, old=d.get("old_due"), new=new)
        return _why(text, d.get("reason") or d.get("note"))
    if kind == "ExtensionRequested":
        text = _("%(who)s asked to extend “%(title)s” to %(new)s", who=who, title=title,
                 new=d.get("new_due"))
        return _why(text, d.get("reason"))
    if kind == "ProgressReported":
        text = _("%(who)s reported progress on “%(title)s”", who=who, title=title)
        if d.get("percent") is not None:
            text += f" ({d['percent']}%)"
        return _why(text, d.get("note"))
    if kind == "CompletionSubmitted":
        text = _("%(who)s moved “%(title)s” to %(new)s", who=who, title=title,
                 new=_status("submitted"))
        return _why(text, _("outcome %(outcome)s", outcome=d.get("outcome")))
    if kind in ("Cancelled", "Reopened", "Returned"):
        new = {"Cancelled": "cancelled", "Reopened": "doing", "Returned": "doing"}[kind]
        old = d.get("old_status") or "submitted"
        text = _("%(who)s moved “%(title)s” from %(old)s to %(new)s", who=who, title=title,
                 old=_status(old), new=_status(new))
        return _why(text, d.get("reason"))
    if kind == "EvidenceAttached":
        return _("%(who)s attached the file %(name)s to “%(title)s” (SHA-256 %(sha)s)", who=who,
                 name=d.get("name"), title=title, sha=d.get("sha256"))
    if kind == "Undone":
        what = UNDONE.get(d.get("undone_type", ""), d.get("undone_type"))
        text = _("%(who)s undid %(what)s of “%(title)s” (version %(version)s)", who=who,
                 what=what, title=title, version=d.get("undoes"))
        return _why(text, d.get("reason"))
    return _("%(who)s: %(event)s on “%(title)s”", who=who, event=kind, title=title)


def _other(d: Row, row: Row, people: Names) -> str:
    """Sentences for plans, people and units."""
    name = d.get("title") or d.get("name") or d.get("key") or row["aggregate_id"]
    if row["event_type"] == "Created":
        return _("%(who)s created %(what)s “%(name)s”", who=row["who"],
                 what=row["aggregate_type"], name=name)
    return _("%(who)s changed %(what)s (%(event)s)", who=row["who"], what=row["aggregate_type"],
             event=row["event_type"])


RENDERERS: dict[str, Callable[[Row, Row, Names], str]] = {"WorkItem": _item}


def describe(row: Row, people: Names, titles: Names) -> str:
    """One audit row as a sentence: who did what to which item, from what to what, and why."""
    data = row.get("data") or {}
    facts = {**row, "who": people.get(row["actor"], row["actor"]),
             "title": titles.get(str(row["aggregate_id"]), data.get("title", "?"))}
    return RENDERERS.get(row["aggregate_type"], _other)(data, facts, people)
