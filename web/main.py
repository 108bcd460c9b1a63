"""Cross-cutting pages: home, language switch, health, and htmx served from its package."""

from __future__ import annotations

from importlib import resources

from flask import Blueprint, Response, abort, redirect, request, session, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from web.auth.session import safe_next

bp = Blueprint("main", __name__)

HTMX_FILES = {"htmx.min.js"}


@bp.get("/")
def home() -> WerkzeugResponse:
    """The start page is the board."""
    if "board.board" in _endpoints():
        return redirect(url_for("board.board"))
    return redirect(url_for("main.health"))


@bp.get("/health")
def health() -> dict[str, str]:
    """Liveness for load balancers."""
    return {"status": "ok"}


@bp.post("/language")
def set_language() -> WerkzeugResponse:
    """Switch the interface language (stored in the session)."""
    lang = request.form.get("lang", "")
    if lang in ("zh_Hans_CN", "en"):
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next")) or url_for("main.home"))


@bp.get("/vendor/htmx/<name>")
def htmx_js(name: str) -> Response:
    """htmx itself, read from the PyPI package that ships it (nothing from a CDN)."""
    if name not in HTMX_FILES:
        abort(404)
    data = resources.files("js_lib_htmx").joinpath("static", "htmx", name).read_bytes()
    response = Response(data, mimetype="text/javascript")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


def _endpoints() -> set[str]:
    from flask import current_app

    return set(current_app.view_functions)
