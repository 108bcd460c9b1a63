"""Evidence files on the item page: upload (owner or leader), the list with each file's state,
and downloads served as attachments with ``nosniff``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    request,
    send_file,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from tracker.application import Result
from tracker.domain import WorkItem
from tracker.domain.fields import parse_version
from tracker.errors import N_, TrackerError, ValidationError
from tracker.evidence import (
    EvidenceFile,
    EvidenceStore,
    clean_name,
    parse_references,
    sha256_of,
)
from tracker.permissions import Actor
from web.audit import bp
from web.auth import current_actor, login_required
from web.extensions import error_response, translate_error
from web.items.delta import item_changes
from web.items.ui import wants_fragment
from web.items.views import item_response
from web.services import services

UPLOAD_ENDPOINTS = frozenset({"audit.attach_evidence", "api.attach_evidence"})
MARGIN = 64 * 1024  # room for the multipart envelope and the form's other fields


def evidence_store() -> EvidenceStore:
    """The instance folder's evidence store, with the configured size limit."""
    settings = services().settings
    return EvidenceStore(settings.evidence_folder, settings.evidence_max_bytes)


def too_large_message() -> str:
    """The size refusal in the user's language."""
    mb = round(services().settings.evidence_max_bytes / 1024 / 1024, 1)
    return _("The file is larger than %(mb)s MB.", mb=mb)


def attach_upload(item: Any, actor: Actor, expected_version: int | None
                  ) -> tuple[Result, EvidenceFile]:
    """Check the uploaded ``file`` and record it on the item; nothing is stored if refused."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationError(N_("Choose a file to upload."))
    store = evidence_store()
    data = upload.read(store.max_bytes + 1)
    file = store.prepare(upload.filename, data)
    result = services().tracker.attach_evidence(
        actor, item, file, expected_version, store=lambda: store.write(file.sha256, data),
        description=request.form.get("description", ""))
    services().sync(result)
    return result, file


def _allow_evidence_bodies() -> None:
    """Uploads may be as large as the evidence limit (before CSRF reads the form)."""
    if request.endpoint in UPLOAD_ENDPOINTS:
        app_limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        request.max_content_length = max(app_limit,
                                         services().settings.evidence_max_bytes + MARGIN)


@bp.record_once
def _first_before_request(state: BlueprintSetupState) -> None:
    state.app.before_request_funcs.setdefault(None, []).insert(0, _allow_evidence_bodies)


@bp.app_errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> Any:
    if request.endpoint in UPLOAD_ENDPOINTS:
        return error_response(413, "too_large", too_large_message())
    return error_response(413, "request_entity_too_large", error.description or "")


@bp.post("/items/<item_id>/evidence")
@login_required
def attach_evidence(item_id: str) -> ResponseReturnValue:
    """Upload an evidence file to the item, then show what changed (htmx) or the item page."""
    try:
        expected = parse_version(request.form.get("expected_version"))
        result, _file = attach_upload(item_id, current_actor(), expected)
    except TrackerError as error:
        return item_response(item_id, error.status, error_message=translate_error(error),
                             open_command="evidence")
    if not wants_fragment():
        flash(_("The file was attached."), "success")
        return redirect(url_for("items.item", item_id=item_id))
    # A form without a version gets the entries from the one the upload recorded.
    since = expected if expected is not None else result.version - 1
    return item_changes(item_id, since, notice=_("The file was attached."))


@bp.get("/items/<item_id>/evidence/<sha256>")
@login_required
def download_evidence(item_id: str, sha256: str) -> Response:
    """A recorded file of the item, as a download; a changed or missing file is not served."""
    entry = next((f for f in evidence_files(services().queries.history(item_id))
                  if f["sha256"] == sha256), None)
    if entry is None:
        abort(404)
    state = file_state(evidence_store().path(sha256), sha256)
    if state == "missing":
        abort(404)
    if state != "ok":
        return error_response(409, "changed", _(  # type: ignore[return-value]
            "The stored file no longer matches the hash recorded when it was uploaded."))
    name = clean_name(entry["name"]) or f"{sha256[:12]}.bin"  # older events may hold CR/LF
    response = send_file(evidence_store().path(sha256), mimetype=entry["content_type"],
                         as_attachment=True, download_name=name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def evidence_files(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The files the item's timeline records: uploads and completion evidence references."""
    files: list[dict[str, Any]] = []
    for e in history:
        data = e.get("data") or {}
        if e["event_type"] == WorkItem.EvidenceAttached.__name__:
            files.append({"sha256": data["sha256"], "name": data["name"], "size": data["size"],
                          "content_type": data["content_type"], "at": e["at"],
                          "actor": e["actor"], "description": data.get("description", "")})
        elif e["event_type"] == WorkItem.CompletionSubmitted.__name__:
            files.extend({"sha256": sha, "name": name, "size": None,
                          "content_type": "application/octet-stream", "at": e["at"],
                          "actor": e["actor"]}
                         for sha, name in parse_references(data.get("evidence") or []))
    return files


def file_state(path: Path, sha256: str) -> str:
    """ok, changed or missing (a file is hashed again only when its size or time changes)."""
    try:
        st = path.stat()
    except OSError:
        return "missing"
    return _hashed(str(path), sha256, st.st_size, st.st_mtime_ns, st.st_ino)


@lru_cache(maxsize=2048)
def _hashed(path: str, sha256: str, *_stat: int) -> str:
    try:
        return "ok" if sha256_of(Path(path)) == sha256 else "changed"
    except OSError:
        return "missing"
