"""Sign-in, sign-out and password change; the user loader and the helpers pages use."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__)

from web.auth import routes  # noqa: E402,F401  (registers the routes on bp)
from web.auth.session import current_account, current_actor, login_required  # noqa: E402

__all__ = ["bp", "current_account", "current_actor", "login_required"]
