"""Problems of a refused file in the user's language, each with where it is."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from tracker.errors import N_
from tracker.planspecs import Problem

# The kinds of thing a message may name, so that they are translated too.
WHAT = {"plan": N_("plan"), "item": N_("item"), "goal": N_("goal"), "phase": N_("phase"),
        "unit": N_("unit"), "person": N_("person"), "the plan file": N_("the plan file"),
        "milestone": N_("milestone"), "leadership": N_("the leadership section")}


def _message(p: Problem) -> str:
    if not p.msgid:
        return p.message
    params = dict(p.params)
    if params.get("what") in WHAT:
        params["what"] = _(WHAT[params["what"]])
    try:
        return _(p.msgid) % params if params else _(p.msgid)
    except (KeyError, TypeError, ValueError):
        return p.message


def _where(p: Problem) -> str:
    if p.sheet is None:
        return _("line %(line)s", line=p.line) if p.line else ""
    if p.column:
        return _("sheet %(sheet)s, row %(row)s, column %(column)s", sheet=p.sheet, row=p.line,
                 column=p.column)
    return _("sheet %(sheet)s, row %(row)s", sheet=p.sheet, row=p.line)


def problem_rows(problems: list[Problem]) -> list[dict[str, Any]]:
    """Each problem as {where, message}, translated."""
    return [{"where": _where(p), "message": _message(p)} for p in problems]
