"""Routes: /login, /logout, /password."""

from __future__ import annotations

import logging

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response as WerkzeugResponse

from tracker.accounts import User
from tracker.accounts.audit import Account
from tracker.errors import TrackerError
from web.auth import bp
from web.auth.forms import LoginForm, PasswordForm
from web.auth.guard import client, record, throttled, too_many
from web.auth.session import accounts, current_account, login_required, safe_next, start_clock
from web.extensions import translate_error

log = logging.getLogger("tracker.auth")
Page = WerkzeugResponse | tuple[str, int] | str


def _start_session(user: User) -> None:
    """A fresh session for the user (the language choice survives)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)
    start_clock()


@bp.route("/login", methods=["GET", "POST"])
def login() -> Page:
    """The sign-in form; a right login and password start a session (attempts throttled)."""
    target = safe_next(request.args.get("next")) or url_for("main.home")
    form = LoginForm()
    if request.method == "GET":
        return render_template("auth/login.html", form=form, signed_in=current_account())
    if not form.validate():
        return render_template("auth/login.html", form=form), 400
    name = (form.username.data or "").strip()
    decision = accounts().throttle.begin(name, client())
    if decision.attempt is None:
        log.warning("sign-in throttled for %r from %s (%ss)", name, client(),
                    decision.retry_after)
        return too_many(decision.retry_after, "auth/login.html", form=form)
    user = accounts().authenticate(name, form.password.data or "")
    failures = accounts().throttle.finish(decision.attempt, user is not None)
    if user is None:
        log.warning("sign-in failed for %r from %s", name, client())
        throttled(name, failures)
        form.password.errors = [_("Wrong login or password.")]
        return render_template("auth/login.html", form=form), 401
    _start_session(user)
    record(Account.SignedIn, user.actor.name, user.login, client=client())
    log.info("signed in: %s from %s", user.login, client())
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
def change_password() -> Page:
    """Change one's own password (the current one checked, throttled); other sessions and
    every API token of the account end."""
    form = PasswordForm()
    if request.method == "GET":
        return render_template("auth/password.html", form=form)
    user = current_account()
    assert user is not None  # login_required
    if not form.validate():
        return render_template("auth/password.html", form=form), 422
    decision = accounts().throttle.begin(user.login, client())
    if decision.attempt is None:
        return too_many(decision.retry_after, "auth/password.html", form=form)
    right = accounts().check_current(user.login, form.current.data or "")
    failures = accounts().throttle.finish(decision.attempt, right)
    if not right:
        log.warning("password change refused (wrong current password) for %r", user.login)
        throttled(user.login, failures)
        form.current.errors = [_("The current password is wrong.")]
        return render_template("auth/password.html", form=form), 403
    try:
        updated = accounts().set_password(user.login, None, form.new.data or "")
    except TrackerError as error:
        form.new.errors = [translate_error(error)]
        return render_template("auth/password.html", form=form), error.status
    record(Account.PasswordChanged, user.actor.name, user.login, by=user.login)
    _start_session(updated)
    flash(_("Your password was changed."), "success")
    return redirect(url_for("main.home"))
