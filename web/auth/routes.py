"""Routes: /login, /logout, /password."""

from __future__ import annotations

import logging

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter import RequestLimit
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response as WerkzeugResponse

from tracker.accounts import User, WrongPasswordError
from web.auth import bp
from web.auth.forms import LoginForm, PasswordForm
from web.auth.session import accounts, current_account, login_required, safe_next
from web.extensions import limiter

log = logging.getLogger("tracker.auth")
LOGIN_LIMIT = "10/minute"


def _address() -> str:
    return request.remote_addr or "unknown"


def _account_key() -> str:
    login = (request.form.get("username") or "").strip().lower()[:64]
    return f"account:{login}"


def _failed(response: Response) -> bool:
    return response.status_code == 401


def _throttled(limit: RequestLimit) -> None:
    log.warning("sign-in throttled (%s) for %r from %s", limit.limit,
                request.form.get("username", ""), _address())


def _start_session(user: User) -> None:
    """A fresh session for the user (the language choice survives)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, key_func=_address, methods=["POST"], deduct_when=_failed,
               on_breach=_throttled)
@limiter.limit(LOGIN_LIMIT, key_func=_account_key, methods=["POST"], deduct_when=_failed,
               on_breach=_throttled)
def login() -> WerkzeugResponse | tuple[str, int] | str:
    """The sign-in form; a right login and password start a session."""
    target = safe_next(request.args.get("next")) or url_for("main.home")
    form = LoginForm()
    if request.method == "GET":
        return render_template("auth/login.html", form=form, signed_in=current_account())
    if not form.validate():
        return render_template("auth/login.html", form=form), 400
    user = accounts().authenticate(form.username.data or "", form.password.data or "")
    if user is None:
        log.warning("sign-in failed for %r from %s", form.username.data, _address())
        form.password.errors = [_("Wrong login or password.")]
        return render_template("auth/login.html", form=form), 401
    _start_session(user)
    log.info("signed in: %s from %s", user.login, _address())
    return redirect(target)


@bp.post("/logout")
def logout() -> WerkzeugResponse:
    """Sign out: every session of the account ends, including copies of this cookie."""
    user = current_account()
    if user is not None:
        accounts().bump_session(user.login)
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> WerkzeugResponse | tuple[str, int] | str:
    """Change one's own password; other sessions of the account end."""
    form = PasswordForm()
    if request.method == "GET":
        return render_template("auth/password.html", form=form)
    user = current_account()
    assert user is not None  # login_required
    if not form.validate():
        return render_template("auth/password.html", form=form), 422
    try:
        updated = accounts().set_password(user.login, form.current.data or "", form.new.data or "")
    except WrongPasswordError:
        log.warning("password change refused (wrong current password) for %r", user.login)
        form.current.errors = [_("The current password is wrong.")]
        return render_template("auth/password.html", form=form), 403
    _start_session(updated)
    flash(_("Your password was changed."), "success")
    return redirect(url_for("main.home"))
