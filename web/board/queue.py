"""待我处理 — what waits for the signed-in person, each kind in its own section: my items that
need action, requests and submissions waiting for my decision, notices to sign for or answer,
items escalated to me. Every entry is decided or acted on from the queue itself (htmx, or
Post/Redirect/Get without script)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from projections.board_projection import notices_from
from tracker.domain.lifecycle import COMMANDS
from tracker.domain.status import OPEN_STATUSES, WORKING, Light, report_missed
from tracker.errors import TrackerError
from tracker.permissions import Actor
from web.auth import login_required
from web.board import bp
from web.extensions import translate_error
from web.items.forms import Card, command_values, expected_version, may
from web.items.ui import actor, render, wants_fragment
from web.labels import command_label
from web.services import services

# Each section: the commands it offers (the lifecycle says who may take them, and when).
SECTIONS: dict[str, tuple[str, ...]] = {
    "mine": ("report",),
    "requests": ("decide-extension",),
    "decisions": ("accept", "return", "decide-deliverable"),
    "notices": ("acknowledge-notice", "answer-notice"),
    "escalated": ("chase", "issue-notice"),
}
SECTION_TITLES = {
    "mine": _l("My items that need action"),
    "requests": _l("Extension and due-date requests"),
    "decisions": _l("Completions and deliverable changes"),
    "notices": _l("Supervision notices to sign for or answer"),
    "escalated": _l("Escalated to me"),
}
SECTION_EMPTY = {
    "mine": _l("None of your items is late, due soon, returned or missing a report."),
    "requests": _l("No request waits for your decision."),
    "decisions": _l("No completion or deliverable change waits for your decision."),
    "notices": _l("No supervision notice waits for you."),
    "escalated": _l("Nothing has been escalated to you."),
}
# The board's queue filter: which sections each of its choices shows.
QUEUES: dict[str, tuple[str, ...]] = {
    "decide": ("requests", "decisions"), "notices": ("notices",),
    "escalated": ("escalated",), "mine": ("mine",),
}
QUEUE_LABELS = {"decide": _l("Waiting for my decision"), "notices": _l("Notices to handle"),
                "escalated": _l("Escalated to me"), "mine": _l("My items that need action")}
COMMANDS_HERE = {name for names in SECTIONS.values() for name in names}
REASONS = {"overdue": _l("Overdue"), "due_soon": _l("Due soon"),
           "report_missed": _l("Progress report missed"), "returned": _l("Returned for more work")}


def actions(who: Actor, card: Card, section: str) -> list[str]:
    """The commands of a section this person may take on the card now (the lifecycle decides)."""
    return [name for name in SECTIONS[section] if may(who, COMMANDS[name], card)]


def reasons(card: Card) -> list[str]:
    """Why one of my items needs action: overdue, due soon, report missed, returned."""
    if card["status"] not in WORKING:
        return []
    today = services().queries.today()
    out = []
    if card["light"] == Light.RED.value:
        out.append("overdue")
    elif card["light"] == Light.YELLOW.value and (
            (card["due"] - today).days <= services().settings.yellow_days):
        out.append("due_soon")
    if report_missed(card["status"], card["report_every_days"], card["last_report_on"],
                     card["created_on"], today):
        out.append("report_missed")
    if card["returns"] and card["completion"] is None:
        out.append("returned")
    return out


def open_notice(card: Card) -> dict[str, Any] | None:
    """The oldest supervision notice on the card not yet answered (dates as dates)."""
    notices = notices_from(card.get("notices"))
    return next((n for n in notices if n.get("answered_on") is None), None)


def _waiting(who: Actor) -> dict[str, list[Card]]:
    queries = services().queries
    out: dict[str, list[Card]] = {name: [] for name in SECTIONS}
    open_now = [s.value for s in OPEN_STATUSES]
    if who.role in ("leader", "admin"):
        candidates = queries.board(awaiting_decision=True)
        seen = {c["id"] for c in candidates}
        extra = [i for i in services().inbox.pending_deliverables() if i not in seen]
        if extra:
            candidates += queries.board(ids=extra)
        out["requests"] = [c for c in candidates if actions(who, c, "requests")]
        out["decisions"] = [c for c in candidates if actions(who, c, "decisions")]
    if who.person:
        for card in queries.board(answering=who.person, status=open_now):
            if card["owner"] == who.person:
                if reasons(card):
                    out["mine"].append(card)
                if actions(who, card, "notices"):
                    out["notices"].append(card)
            elif card.get("escalated_to") == who.person:
                out["escalated"].append(card)
    return out


def waiting(who: Actor) -> dict[str, list[Card]]:
    """Every section's cards for this person (worked out once per request)."""
    cache: dict[str, dict[str, list[Card]]] = g.setdefault("queues", {})
    key = f"{who.name}/{who.person}/{who.role}"
    if key not in cache:
        cache[key] = _waiting(who)
    return cache[key]


def queue_query(who: Actor, queue: str) -> dict[str, Any]:
    """Keyword arguments for Queries.board selecting one queue's cards (the board's filter)."""
    sections = waiting(who)
    return {"ids": sorted({c["id"] for name in QUEUES.get(queue, ()) for c in sections[name]})}


# The nav's counts, held by each app's services: a count stands while the read models stand
# where they were when it was worked out (and the day is the same), so a page does not
# rebuild every card waiting for a decision each time it prints the nav. Cleared when full.
COUNTS_HELD = 2048


def waiting_count() -> int:
    """How many things wait for the signed-in person (the nav's count)."""
    who, held = actor(), services()
    counts = held.queue_counts
    key = (who.name, who.person, who.role, held.queries.today(),
           tuple(sorted(held.read_models.positions().items())))
    count = counts.get(key)
    if count is None:
        count = sum(len(cards) for cards in waiting(who).values())
        if len(counts) >= COUNTS_HELD:
            counts.clear()
        counts[key] = count
    return count


@bp.app_context_processor
def queue_helpers() -> dict[str, Any]:
    """The nav's count of what waits for me; the board filter's queue choices."""
    return {"queue_count": waiting_count, "queue_choices": QUEUE_LABELS}


def _page(status: int = 200, message: tuple[str, str] | None = None) -> tuple[str, int]:
    me = actor()
    queues = waiting(me)
    plans = {p["key"]: p for p in services().queries.list_plans()}
    offered = {(name, c["id"]): actions(me, c, name) for name, cards in queues.items()
               for c in cards}
    return render("board/queue.html", "board/_queue.html", status, queues=queues, plans=plans,
                  offered=offered, sections=SECTIONS, titles=SECTION_TITLES,
                  empty=SECTION_EMPTY, board_queue={s: q for q, ss in QUEUES.items()
                                                    for s in ss},
                  reasons=reasons, reason_labels=REASONS, open_notice=open_notice,
                  message=message, oob=wants_fragment(),
                  people=services().queries.directory().people_names)


@bp.get("/queue")
@login_required
def queue() -> tuple[str, int]:
    """待我处理: each kind of thing that waits for me, with its count."""
    return _page()


@bp.post("/queue/<item_id>/<command>")
@login_required
def decide(item_id: str, command: str) -> Response | tuple[str, int]:
    """Take one decision or action from the queue, then show the queue again."""
    if command not in COMMANDS_HERE:
        abort(404)
    spec = COMMANDS[command]
    expected = expected_version(request.form)
    values = command_values(spec, request.form)
    try:
        services().run(item_id, spec, actor(), expected, **values)
    except TrackerError as error:
        if wants_fragment():
            return _page(error.status, ("error", translate_error(error)))
        flash(translate_error(error), "error")
        return redirect(url_for("board.queue"))
    done = _("Done: %(action)s.", action=command_label(command))
    if wants_fragment():
        g.pop("queues", None)  # the command changed what waits
        return _page(200, ("success", done))
    flash(done, "success")
    return redirect(url_for("board.queue"))
