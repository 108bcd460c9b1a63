"""The import page: upload → preview (items, people and units to be created, problems with
their line or row) → confirm. Only an administrator may import."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker.errors import N_
from tracker.importer import ImportPreview, import_plan, preview_import
from tracker.permissions import authorize
from tracker.planfile import parse_plan_file
from tracker.planspecs import PlanFile, PlanFileError, Problem
from tracker.tasksheet import SheetOptions, is_workbook, read_task_sheet
from web.auth import login_required
from web.auth.session import current_actor
from web.imports import bp
from web.imports.problems import problem_rows
from web.imports.uploads import Uploads
from web.services import services

CHOOSE = N_("Choose a file first.")
SHOWN = 1000  # rows of the preview table; the rest are counted


def _uploads() -> Uploads:
    return Uploads(services().settings.instance / "imports")


def _options() -> SheetOptions:
    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(request.form.get(name, "").strip())
        except ValueError:
            return None

    text = {n: request.form.get(n, "").strip() or None for n in ("key", "title")}
    return SheetOptions(text["key"], text["title"], day("starts"), day("ends"))


def _read(data: bytes) -> PlanFile:
    """A plan file from YAML/JSON text or from a task sheet (names mapped to the directory)."""
    if not is_workbook(data):
        return parse_plan_file(data)
    q = services().queries
    return read_task_sheet(data, _options(), {p["name"]: p["key"] for p in q.people()},
                           {u["name"]: u["key"] for u in q.unit_list()})


def _page(status: int = 200, **context: Any) -> tuple[str, int] | Response:
    base: dict[str, Any] = {"form": request.form, "problems": [], "preview": None,
                            "upload": None}
    return render_template("imports/import.html", **{**base, **context}), status


@bp.get("/import")
@login_required
def start() -> tuple[str, int] | Response:
    """The upload form."""
    authorize(current_actor(), "import")
    return _page()


@bp.post("/import/preview")
@login_required
def preview() -> tuple[str, int] | Response:
    """Check the uploaded file and show what importing it would do; nothing is written."""
    actor = current_actor()
    authorize(actor, "import")
    upload = request.files.get("file")
    data = upload.read() if upload else b""
    if not data:
        return _page(422, problems=problem_rows([Problem(0, CHOOSE, CHOOSE)]))
    try:
        pf = _read(data)
        found = preview_import(services().tracker, pf, actor,
                               update_directory=bool(request.form.get("update_directory")))
    except PlanFileError as e:
        return _page(422, problems=problem_rows(e.problems))
    return _page(preview=_preview_rows(pf, found), upload=_uploads().keep(data))


@bp.post("/import/confirm")
@login_required
def confirm() -> Response | tuple[str, int]:
    """Import the previewed file; importing the same file again writes nothing."""
    actor = current_actor()
    authorize(actor, "import")
    digest = request.form.get("upload", "")
    data = _uploads().read(digest)
    if data is None:
        abort(400, _("The uploaded file is no longer available; upload it again."))
    try:
        pf = _read(data)
        result = import_plan(services().tracker, pf, actor,
                             update_directory=bool(request.form.get("update_directory")))
    except PlanFileError as e:
        return _page(422, problems=problem_rows(e.problems))
    services().sync(result.notification_id)
    _uploads().forget(digest)
    if result.events:
        flash(_("The plan was imported: %(events)s changes recorded.", events=result.events),
              "success")
    else:
        flash(_("Nothing changed: the plan was already imported as it is."), "info")
    return redirect(url_for("board.plan_overview", plan_key=result.plan_key))


def _preview_rows(pf: PlanFile, found: ImportPreview) -> dict[str, Any]:
    """The preview by name: new and changed items, people and units to be created."""
    q = services().queries
    people = {p["key"]: p["name"] for p in q.people()} | {p.key: p.name for p in pf.people}
    units = {u["key"]: u["name"] for u in q.unit_list()} | {u.key: u.name for u in pf.units}
    phases = {p.key: p.title for p in pf.plan.phases}

    def row(it: Any) -> dict[str, Any]:
        return {"line": it.line, "title": it.title, "owner": people.get(it.owner, it.owner),
                "leaders": [people.get(k, k) for k in it.leaders],
                "lead_unit": units.get(it.lead_unit, it.lead_unit),
                "co_leads": [units.get(k, k) for k in it.co_leads],
                "due": it.due, "phase": phases.get(it.phase or "", "")}

    return {"plan": pf.plan, "exists": found.plan_exists,
            "new_items": [row(i) for i in found.new_items[:SHOWN]],
            "more_items": max(0, len(found.new_items) - SHOWN),
            "changed_items": [row(i) for i in found.changed_items[:SHOWN]],
            "new_people": [{"name": p.name, "unit": units.get(p.unit or "", "")}
                           for p in found.new_people],
            "new_units": [{"name": u.name, "parent": units.get(u.parent or "", "")}
                          for u in found.new_units],
            "total": len(found.new_items) + len(found.changed_items)}
