"""Sign-in, sign-out and password change; the user loader and the helpers pages use."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__)

from web.auth import account, routes  # noqa: E402,F401  (registers the routes on bp)
from web.auth.session import (  # noqa: E402
    current_account,
    current_actor,
    expire_session,
    login_required,
)

bp.before_app_request(expire_session)


@bp.record_once
def _audit_sentences(_state: object) -> None:
    """Account events in the audit trail read as sentences (imported late: no cycle)."""
    from web.auth import describe  # noqa: F401

__all__ = ["bp", "current_account", "current_actor", "login_required"]
