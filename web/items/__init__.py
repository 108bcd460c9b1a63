"""Item pages: one item with every field, its actions and its timeline; creating items."""

from __future__ import annotations

from flask import Blueprint

from web.items.ui import install

bp = Blueprint("items", __name__)
install(bp)

from web.items import actions, create, views  # noqa: E402,F401  (registers the routes on bp)

__all__ = ["bp"]
