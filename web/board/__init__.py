"""The board: columns per status, filters and swimlanes, moves; plan overview and my work."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("board", __name__)

from web.board import leadership, moves, plans, queue, views  # noqa: E402,F401  (registers the routes on bp)

__all__ = ["bp"]
