"""Who is signed in: the Flask-Login user loader, the unauthorized answer and page helpers."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app, g, redirect, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, logout_user
from flask_login import login_required as _flask_login_required

from tracker.accounts import Accounts, User
from tracker.errors import N_, TrackerError
from tracker.permissions import Actor
from web.extensions import error_response, login_manager, wants_json
from web.services import services

F = TypeVar("F", bound=Callable[..., Any])


class NotSignedInError(TrackerError):
    """The request needs a signed-in user (401)."""

    code = "unauthorized"
    status = 401


def accounts() -> Accounts:
    """The current app's accounts."""
    return services().accounts  # type: ignore[no-any-return]


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The session's user, unless the account was disabled or signed out since (version bumped)."""
    try:
        account_id, version = (int(part) for part in user_id.split(":", 1))
    except ValueError:
        return None
    user = accounts().get_by_id(account_id)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def now() -> float:
    """The sessions' clock (seconds; tests may set AUTH_CLOCK)."""
    return float(current_app.config.get("AUTH_CLOCK", time.time)())


def start_clock() -> None:
    """Stamp a new session: when it began (absolute lifetime) and when it was last used."""
    session.permanent = True
    session["signed_in_at"] = session["seen_at"] = int(now())


def expire_session() -> None:
    """End a session idle longer than the idle timeout or older than its absolute lifetime."""
    if "_user_id" not in session or request.endpoint == "static":
        return
    settings = services().settings
    moment = now()
    began, seen = session.get("signed_in_at"), session.get("seen_at")
    if (not isinstance(began, int) or not isinstance(seen, int)
            or moment - seen > settings.session_idle_hours * 3600
            or moment - began > settings.session_max_hours * 3600):
        logout_user()
        for key in ("signed_in_at", "seen_at"):
            session.pop(key, None)
        return
    if moment - seen >= 60:  # refresh at most once a minute (each refresh rewrites the cookie)
        session["seen_at"] = int(moment)


@login_manager.unauthorized_handler
def unauthorized() -> Any:
    """Pages redirect to the sign-in form; htmx is told to go there; JSON clients get 401."""
    target = url_for("auth.login", next=safe_next(request.full_path.rstrip("?")))
    if request.headers.get("HX-Request"):
        response = Response(status=401)
        response.headers["HX-Redirect"] = target
        return response
    if wants_json():
        return error_response(401, "unauthorized", gettext("Sign in first."))
    return redirect(target)


def login_required(func: F) -> F:
    """Pages that need a signed-in user (the sign-in form is offered otherwise)."""
    return _flask_login_required(func)  # type: ignore[no-any-return]


def current_account() -> User | None:
    """The signed-in user (API token or session), or None."""
    api_user = g.get("api_user")
    if api_user is not None:
        return api_user  # type: ignore[no-any-return]
    if current_user and current_user.is_authenticated:
        return current_user._get_current_object()  # type: ignore[no-any-return]
    return None


def current_actor() -> Actor:
    """The signed-in user as the domain's actor; raises a 401 error when nobody is."""
    user = current_account()
    if user is None:
        raise NotSignedInError(N_("Sign in first."))
    return user.actor


def safe_next(target: str | None) -> str | None:
    """Only a path on this site may be a redirect target after sign-in."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ord(c) < 32 for c in target):
        return None
    return target
