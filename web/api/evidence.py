"""Evidence upload through the API: ``POST /api/items/<id>/evidence`` (multipart ``file``)."""

from __future__ import annotations

from flask import Response, request

from tracker.domain.fields import parse_version
from web.api import bp
from web.api.common import api_user, json_response
from web.api.items import item_uuid
from web.audit.evidence import attach_upload


@bp.post("/items/<item_id>/evidence")
def attach_evidence(item_id: str) -> Response:
    """Attach an evidence file (multipart: file, description) → 201 {id, version, sha256, …}."""
    expected = parse_version(request.form.get("expected_version"))
    result, file = attach_upload(item_uuid(item_id), api_user().actor, expected)
    return json_response({"id": result.id, "version": result.version, "sha256": file.sha256,
                          "name": file.name, "size": file.size,
                          "content_type": file.media_type}, 201)
