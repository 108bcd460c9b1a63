"""The account page: who you are, your API tokens (issue, list, revoke one), password link."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker.accounts.audit import Account
from tracker.accounts.tokens import DEFAULT_DAYS, MAX_DAYS
from tracker.errors import TrackerError
from web.auth import bp
from web.auth.guard import record
from web.auth.session import accounts, current_account, login_required
from web.extensions import translate_error

DAY_CHOICES = (30, DEFAULT_DAYS, MAX_DAYS)


def _page(status: int = 200, new_token: str | None = None, error: str | None = None
          ) -> tuple[str, int]:
    user = current_account()
    assert user is not None  # login_required
    return render_template(
        "auth/account.html", user=user, tokens=accounts().tokens(user.login),
        now=datetime.now(UTC), new_token=new_token, error=error, day_choices=DAY_CHOICES,
        default_days=DEFAULT_DAYS), status


@bp.get("/account")
@login_required
def account() -> tuple[str, int]:
    """Your account: role, API tokens and their expiry."""
    return _page()


@bp.post("/account/tokens")
@login_required
def issue_token() -> tuple[str, int]:
    """Issue an API token (shown this once on the page that answers)."""
    user = current_account()
    assert user is not None
    raw = request.form.get("days", "")
    days = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 3 else 0
    try:
        token_id, token = accounts().issue_token(user.login, days, request.form.get("label"))
    except TrackerError as error:
        return _page(error.status, error=translate_error(error))
    record(Account.TokenIssued, user.actor.name, user.login, token=token_id)
    return _page(201, new_token=token)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> Response | tuple[str, int]:
    """Revoke one of your API tokens."""
    user = current_account()
    assert user is not None
    try:
        accounts().revoke_token(user.login, token_id)
    except TrackerError as error:
        return _page(error.status, error=translate_error(error))
    record(Account.TokenRevoked, user.actor.name, user.login, token=token_id)
    flash(_("The token was revoked."), "success")
    return redirect(url_for("auth.account"))
