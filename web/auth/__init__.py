"""Sign-in, sign-out and password change; the user loader and the helpers pages use."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__)

from web.auth import routes  # noqa: E402,F401  (registers the routes on bp)
from web.auth.session import (  # noqa: E402
    current_account,
    current_actor,
    expire_session,
    login_required,
)

bp.before_app_request(expire_session)

__all__ = ["bp", "current_account", "current_actor", "login_required"]
