"""Pickers for a person or unit(s): a search box whose matches are loaded as the user types."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pickers", __name__)

from web.pickers import routes  # noqa: E402,F401  (registers the routes and template globals)

__all__ = ["bp"]
