"""Registers every area's blueprint; an area is a module or package in web/ exporting ``bp``."""

from __future__ import annotations

import importlib

from flask import Flask

AREAS = ("main", "auth", "api", "board", "items", "reports", "audit", "imports", "admin")


def register_blueprints(app: Flask) -> None:
    """Import each area that exists and register its blueprint."""
    for area in AREAS:
        try:
            module = importlib.import_module(f"web.{area}")
        except ModuleNotFoundError as e:
            if e.name == f"web.{area}":
                continue  # that area is not written yet
            raise
        app.register_blueprint(module.bp)
