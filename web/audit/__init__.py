"""The audit area: the trail with filters and paging, its exports, the chain head and undo."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("audit", __name__)

from web.audit import evidence, evidence_panel, outbox, routes, undo  # noqa: E402,F401  (registers routes)

__all__ = ["bp"]
