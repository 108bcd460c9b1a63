"""People's own mail address and mail language (administrators)."""

from __future__ import annotations

from flask import Response

from tracker.errors import N_, ValidationError
from web.api import bp
from web.api.common import api_user, json_body, json_response
from web.services import services


def _text_or_none(body: dict[str, object], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise ValidationError(N_("%(field)s must be text."), field=name)
    return value


@bp.post("/people/<key>/contact")
def set_person_contact(key: str) -> Response:
    """Set where a person's mail goes: their own address (null clears it) and language."""
    body = json_body()
    svc = services()
    result = svc.tracker.set_person_contact(api_user().actor, key,
                                            email=_text_or_none(body, "email"),
                                            language=_text_or_none(body, "language"))
    if result is not None:
        svc.sync(result)
    person = svc.tracker.get_person(key)
    return json_response({"person": key, "email": person.email, "language": person.language})
