"""Flask extensions, security headers, locale selection and error answers."""

from __future__ import annotations

import sqlite3
from typing import Any, cast

import psycopg
from eventsourcing import persistence as es_persistence
from flask import Flask, Response, current_app, g, jsonify, render_template, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel, get_locale, gettext
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect
from htmx_flask import Htmx
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import BadRequest, HTTPException

from tracker.domain.lifecycle import PersonKey
from tracker.errors import N_, TrackerError
from tracker.messages import render
from web import i18n

# The store is down, locked beyond its timeout, out of connections or read-only: answer 503.
STORE_UNAVAILABLE: tuple[type[BaseException], ...] = (
    es_persistence.OperationalError,
    es_persistence.InterfaceError,
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
    sqlite3.OperationalError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
RETRY_AFTER = "5"

csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
htmx = Htmx()

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "object-src 'none'"
)


def select_locale() -> str:
    """The language chosen by the user (session), else the browser's best match."""
    languages = request.environ.get("tracker.languages") or ["zh_Hans_CN", "en"]
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    best = request.accept_languages.best_match(["zh", "zh-CN", "zh-Hans", "en"])
    return "en" if best == "en" else "zh_Hans_CN"


def wants_json() -> bool:
    """API paths and clients that prefer JSON get JSON errors."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and not request.headers.get("HX-Request")


class ReasonedBadRequest(BadRequest):
    """A 400 whose description is a reason already in the user's language (shown as it is)."""


def error_response(
    status: int, code: str, message: str, **extra: Any
) -> tuple[Response | str, int]:
    """One error shape: JSON for the API, a friendly page or fragment for the browser."""
    if wants_json():
        return jsonify({"error": code, "message": message, **extra}), status
    template = "errors/_error.html" if request.headers.get("HX-Request") else "errors/error.html"
    return render_template(template, status=status, code=code, message=message, extra=extra), status


HTTP_MESSAGES: dict[int, tuple[str, str]] = {
    400: (N_("The request could not be understood"),
          N_("Something in the address or the form is not valid. Go back and try again.")),
    403: (N_("Not allowed"), N_("Your account does not allow this.")),
    404: (N_("Page not found"),
          N_("There is no such page: the address may be mistyped, or the item was removed.")),
    405: (N_("Not possible here"), N_("This address cannot be used this way.")),
    413: (N_("Too large"), N_("What was sent is too large.")),
    429: (N_("Too many attempts"),
          N_("Too many attempts in a short time. Wait a minute and try again.")),
}
SERVER_ERROR = (
    N_("Something went wrong"),
    N_("The server could not finish this request; nothing was changed. Try again later."))


def http_message(status: int) -> tuple[str, str]:
    """A translated heading and explanation for an HTTP error shown in the browser."""
    heading, message = HTTP_MESSAGES.get(status, SERVER_ERROR if status >= 500
                                         else HTTP_MESSAGES[400])
    return gettext(heading), gettext(message)


def translate_error(error: TrackerError) -> str:
    """The domain error's message in the user's language (a person named by name)."""
    who = error.params.get("who")
    if isinstance(who, PersonKey):
        names = current_app.extensions["tracker"].queries.directory().people_names
        error.params["who"] = names.get(who, str(who))
    return render(error, gettext)


class SessionCookies(SecureCookieSessionInterface):
    """Session cookies are Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def init_extensions(app: Flask) -> None:
    """Wire every extension and the cross-cutting handlers into the app."""
    app.session_interface = SessionCookies()
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    babel.init_app(app, locale_selector=select_locale)
    i18n.install(app)
    htmx.init_app(app)
    app.jinja_env.globals["get_locale"] = get_locale

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if getattr(g, "no_store", False) or (
                request.endpoint != "static" and "Cache-Control" not in response.headers):
            # Pages show what the signed-in user may see: no shared or back-button caches.
            response.headers["Cache-Control"] = "no-store"
        response.vary.add("HX-Request")
        return response

    @app.errorhandler(TrackerError)
    def tracker_error(error: TrackerError) -> Any:
        extra = {}
        if getattr(error, "current_version", None) is not None:
            extra["current_version"] = error.current_version  # type: ignore[attr-defined]
        if error.params.get("field") is not None:
            extra["field"] = str(error.params["field"])  # the field's id; the message has its label
        return error_response(error.status, error.code, translate_error(error), **extra)

    def store_unavailable(error: Exception) -> Any:
        app.logger.warning("store unavailable: %s: %s", type(error).__name__, error)
        body, status = error_response(
            503,
            "unavailable",
            gettext(
                "The database is busy or unavailable; nothing was changed. Try again in a moment."
            ),
        )
        response = app.make_response((body, status))
        response.headers["Retry-After"] = RETRY_AFTER
        return response

    for unavailable in STORE_UNAVAILABLE:
        app.register_error_handler(cast(type[Exception], unavailable), store_unavailable)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        return error_response(
            400,
            "csrf",
            gettext(
                "Your form has expired or is missing its security token. Reload the page and try again."  # noqa: E501
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        code = (error.name or "error").lower().replace(" ", "_")
        status = error.code or 500
        if wants_json():
            body, status = error_response(status, code, error.description or error.name)
        else:  # a browser gets the reason in its own language, never Werkzeug's English page
            heading, message = http_message(status)
            if isinstance(error, ReasonedBadRequest):
                message = str(error.description)  # our own reason, already translated
            body, status = error_response(status, code, message, heading=heading)
        response = app.make_response((body, status))
        for name, value in error.get_headers():  # Allow on a 405, Retry-After, WWW-Authenticate
            if name.lower() != "content-type":
                response.headers[name] = value
        return response
