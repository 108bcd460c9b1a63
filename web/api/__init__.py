"""The JSON API under /api: bearer tokens, JSON errors, an OpenAPI 3.1 document."""

from __future__ import annotations

from flask import Blueprint, Response

from web.api.common import authenticate_request
from web.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)  # no cookies are read here: a bearer token is not sent by a browser on its own
bp.before_request(authenticate_request)


@bp.after_request
def challenge(response: Response) -> Response:
    """A 401 names the scheme it wants."""
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="tracker"'
    return response


@bp.get("/health")
def health() -> dict[str, str]:
    """Liveness (no token needed)."""
    return {"status": "ok"}


from web.api import evidence, items, openapi, people, plans, reports, webhooks  # noqa: E402,F401
