"""Registers every area's blueprint (each area is a module or package in web/ with ``bp``)."""

from __future__ import annotations

from flask import Flask

from web import api, audit, auth, board, imports, inbox, items, main, pickers, reports

AREAS = (main, auth, api, board, items, pickers, reports, audit, imports, inbox)


def register_blueprints(app: Flask) -> None:
    """Register each area's blueprint."""
    for area in AREAS:
        app.register_blueprint(area.bp)
