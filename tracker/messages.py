"""A domain error as a sentence in a reader's language: the message and its parameters, with
field ids, statuses and criteria shown by their labels (the web, the API and the CLI share it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker.domain.fields import LABELS
from tracker.domain.status import STATUS_LABELS, Status
from tracker.errors import TrackerError
from tracker.grading import CRITERION_LABELS

Translate = Callable[[str], str]


def field_label(field: str, gettext: Translate) -> str:
    """A field id ("due", "scores.self.leadership") as its label."""
    if field in LABELS:
        return gettext(LABELS[field])
    head, _, last = field.rpartition(".")
    if head and last in CRITERION_LABELS:
        return f"{field_label(head, gettext)} · {gettext(CRITERION_LABELS[last])}"
    return field


def _shown(name: str, value: Any, gettext: Translate) -> Any:
    if name == "field" and isinstance(value, str):
        return field_label(value, gettext)
    if name == "status" and value in set(Status):
        return gettext(STATUS_LABELS[Status(value)])
    if name == "criteria":
        return gettext(", ").join(gettext(CRITERION_LABELS[c]) for c in value)
    return value


def render(error: TrackerError, gettext: Translate) -> str:
    """The error's message translated, its parameters shown as a reader knows them."""
    params = {k: _shown(k, v, gettext) for k, v in error.params.items()}
    text = gettext(error.msgid)
    return text % params if params else text
