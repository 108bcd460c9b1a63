"""待我处理 — what waits for the signed-in person: decisions to take and own items that need
action, decided from the queue itself (Post/Redirect/Get)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker.domain.lifecycle import COMMANDS
from tracker.domain.status import WORKING, Light
from tracker.errors import TrackerError
from tracker.permissions import Actor
from web.auth import login_required
from web.board import bp
from web.extensions import translate_error
from web.items.forms import Card, command_values, expected_version, may
from web.items.ui import actor, render
from web.labels import command_label
from web.services import services

QUEUES = ("decide", "mine")
DECISIONS = ("decide-extension", "accept", "return")
ALARMING = [Light.RED.value, Light.YELLOW.value]


def decisions(who: Actor, card: Card) -> list[str]:
    """The decisions this person may take on the card now (the lifecycle decides)."""
    return [name for name in DECISIONS if may(who, COMMANDS[name], card)]


def queue_query(who: Actor, queue: str) -> dict[str, Any]:
    """Keyword arguments for Queries.board selecting one queue's cards (board filter too)."""
    if queue == "decide":
        return {"awaiting_decision": True, "exclude_owner": who.person}
    return {"owner": who.person or "", "status": [s.value for s in WORKING],
            "light": ALARMING}


def waiting(who: Actor) -> dict[str, list[Card]]:
    """Both queues: decisions waiting for me, and my own items that need action."""
    queries = services().queries
    out: dict[str, list[Card]] = {"decide": [], "mine": []}
    if who.role in ("leader", "admin"):
        out["decide"] = [c for c in queries.board(**queue_query(who, "decide"))
                         if decisions(who, c)]
    if who.person:
        out["mine"] = queries.board(**queue_query(who, "mine"))
    return out


def waiting_count() -> int:
    """How many things wait for the signed-in person (once per request, for the nav)."""
    if "queue_count" not in g:
        queues = waiting(actor())
        g.queue_count = sum(len(cards) for cards in queues.values())
    return int(g.queue_count)


@bp.app_context_processor
def queue_helpers() -> dict[str, Any]:
    """The nav's count of what waits for me."""
    return {"queue_count": waiting_count}


@bp.get("/queue")
@login_required
def queue() -> tuple[str, int]:
    """待我处理: what waits for my decision and my items that need action."""
    me = actor()
    queues = waiting(me)
    plans = {p["key"]: p for p in services().queries.list_plans()}
    return render("board/queue.html", "board/_queue.html", queues=queues, plans=plans,
                  decisions={c["id"]: decisions(me, c) for c in queues["decide"]})


@bp.post("/queue/<item_id>/<command>")
@login_required
def decide(item_id: str, command: str) -> Response:
    """Take one decision from the queue, then show the queue again."""
    if command not in DECISIONS:
        abort(404)
    spec = COMMANDS[command]
    expected = expected_version(request.form)
    values = command_values(spec, request.form)
    try:
        services().run(item_id, spec, actor(), expected, **values)
    except TrackerError as error:
        flash(translate_error(error), "error")
        return redirect(url_for("board.queue", _anchor=f"q-{item_id}"))
    flash(_("Done: %(action)s.", action=command_label(command)), "success")
    return redirect(url_for("board.queue"))
