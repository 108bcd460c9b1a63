"""The private iCalendar feed of a person's due dates: /calendar/<person>/<token>.ics."""

from __future__ import annotations

from flask import Response, abort, url_for
from flask_babel import gettext as _

from tracker.calendar import calendar, feed_token, token_matches
from tracker.domain.status import OPEN_STATUSES
from web.reports import bp
from web.services import services


def feed_url(person: str) -> str:
    """The absolute URL of a person's feed (for subscribing in a calendar app)."""
    token = feed_token(services().settings.secret_key, person)
    return url_for("reports.calendar_feed", person=person, token=token, _external=True)


@bp.get("/calendar/<person>/<token>.ics")
def calendar_feed(person: str, token: str) -> Response:
    """Due dates of the person's open items; the token is the only credential."""
    if not token_matches(services().settings.secret_key, person, token):
        abort(404)
    q = services().queries
    names = q.directory().people_names
    if person not in names:
        abort(404)
    cards = q.board(owner=person, status=OPEN_STATUSES)
    items = [{**c, "description": c["deliverable"],
              "url": url_for("items.item", item_id=c["id"], _external=True)} for c in cards]
    body = calendar(names[person], items, today=q.today(), yellow_days=q.yellow_days,
                    overdue_label=_("Overdue"), overdue_title=_("Overdue: %(title)s"))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="due-dates.ics"'
    response.cache_control.private = True
    response.cache_control.max_age = 300
    return response
