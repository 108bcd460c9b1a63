"""The outbox page (admins): every mail the tracker queued, how it went, and where each
person's mail goes (their own address and language, settable here)."""

from __future__ import annotations

from typing import Any

from flask import abort, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from tracker.outbox import Outbox
from web.audit import bp
from web.auth import login_required
from web.auth.session import current_actor
from web.services import services

LANGUAGES = {"zh_Hans_CN": "中文", "en": "English"}


def _admin() -> None:
    if current_actor().role != "admin":
        abort(403)


def outbox() -> Outbox:
    """The outbox on the durable state engine (its table created when missing)."""
    box = Outbox(services().state_engine)
    box.create_tables()
    return box


def _people() -> list[dict[str, Any]]:
    svc = services()
    out = []
    for p in svc.queries.people():
        person = svc.tracker.get_person(p["key"])
        out.append({**p, "email": person.email or "", "language": person.language or ""})
    return out


@bp.get("/outbox")
@login_required
def outbox_page() -> str:
    """Queued, sent and given-up mail, newest first, and each person's mail address."""
    _admin()
    g.no_store = True
    box = outbox()
    people = _people()
    names = {p["key"]: p["name"] for p in people}
    return render_template("audit/outbox.html", mails=box.list(), counts=box.counts(),
                           people=people, names=names, languages=LANGUAGES,
                           default_language=services().settings.mail_language)


@bp.post("/outbox/people/<key>")
@login_required
def set_contact(key: str) -> Response:
    """Set a person's mail address and mail language, then show the page again."""
    _admin()
    svc = services()
    result = svc.tracker.set_person_contact(
        current_actor(), key, email=request.form.get("email", "")[:400] or None,
        language=request.form.get("language", "")[:40] or None)
    if result is not None:
        svc.sync(result)
    return redirect(url_for("audit.outbox_page") + f"#person-{key}", code=303)
