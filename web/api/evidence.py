"""Evidence upload through the API: ``POST /api/items/<id>/evidence`` (multipart ``file``)."""

from __future__ import annotations

from flask import Response, request

from tracker.errors import N_, ValidationError
from web.api import bp
from web.api.common import api_user, json_response
from web.api.items import item_uuid
from web.audit.evidence import attach_upload


@bp.post("/items/<item_id>/evidence")
def attach_evidence(item_id: str) -> Response:
    """Attach an evidence file (multipart field file) → 201 {id, version, sha256, …}."""
    raw = request.form.get("expected_version", "")
    if raw and not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
        raise ValidationError(N_("%(field)s must be a whole number from 1."),
                              field="expected_version")
    result, file = attach_upload(item_uuid(item_id), api_user().actor, int(raw) if raw else None)
    return json_response({"id": result.id, "version": result.version, "sha256": file.sha256,
                          "name": file.name, "size": file.size,
                          "content_type": file.media_type}, 201)
