"""The in-app inbox: chases, notices, decisions on my requests, escalations and mentions (from
the inbox read model), each marked read by its person (the read marks survive a rebuild)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, redirect, request, url_for
from werkzeug.wrappers import Response

from tracker.domain.lifecycle import event_info
from tracker.domain.notify import KIND_LABELS, Kind
from web.audit.describe import describe
from web.auth import login_required
from web.items.ui import actor, render, wants_fragment
from web.services import services

bp = Blueprint("inbox", __name__)
SHOWN = 200  # the newest notifications shown; older ones stay readable on their items


def _person() -> str | None:
    return actor().person


def _read() -> set[str]:
    if "inbox_read" not in g:
        person = _person()
        g.inbox_read = services().read_marks.read(person) if person else set()
    return g.inbox_read  # type: ignore[no-any-return]


def unread_count() -> int:
    """How many of the signed-in person's notifications are unread (the nav's count)."""
    person = _person()
    if not person:
        return 0
    return len(set(services().inbox.keys(person)) - _read())


@bp.app_context_processor
def inbox_helpers() -> dict[str, Any]:
    """The nav's unread count."""
    return {"inbox_unread": unread_count}


def sentence(row: dict[str, Any], people: dict[str, str]) -> str:
    """What happened, as the audit says it (without the words that came with it, shown apart)."""
    info = event_info(row["event_type"])
    data = {k: v for k, v in (row["data"] or {}).items()
            if info is None or k not in info.because}
    return describe({"aggregate_type": "WorkItem", "event_type": row["event_type"],
                     "actor": row["actor"], "aggregate_id": row["item_id"], "data": data},
                    people, {row["item_id"]: row["title"]})


def _page(status: int = 200) -> tuple[str, int]:
    person = _person()
    rows = services().inbox.list(person, SHOWN) if person else []
    read = _read()
    kind = request.args.get("kind", "")
    unread = sum(1 for r in rows if r["key"] not in read)
    if kind in set(Kind):
        rows = [r for r in rows if r["kind"] == kind]
    else:
        kind = ""
    people = services().queries.directory().people_names
    return render("inbox/inbox.html", "inbox/_inbox.html", status, rows=rows, read=read,
                  people=people, sentence=sentence, kinds=KIND_LABELS, kind=kind,
                  unread=unread, oob=wants_fragment())


@bp.get("/inbox")
@login_required
def inbox() -> tuple[str, int]:
    """My notifications, newest first, the unread ones marked."""
    return _page()


def _done() -> Response | tuple[str, int]:
    g.pop("inbox_read", None)
    if wants_fragment():
        return _page()
    return redirect(url_for("inbox.inbox", kind=request.args.get("kind") or None))


@bp.post("/inbox/<item_id>/<int:version>/read")
@login_required
def mark_read(item_id: str, version: int) -> Response | tuple[str, int]:
    """Mark one of my notifications read."""
    person = _person()
    key = f"{item_id}:{version}"
    if not person or key not in set(services().inbox.keys(person)):
        abort(404)
    services().read_marks.mark(person, [key])
    return _done()


@bp.post("/inbox/read")
@login_required
def mark_all_read() -> Response | tuple[str, int]:
    """Mark all my notifications read."""
    person = _person()
    if person:
        services().read_marks.mark(person, services().inbox.keys(person))
    return _done()
