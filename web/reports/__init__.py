"""Reports: responsibility per leader, unit grades, the final review, exports and calendars."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__, template_folder="../templates",
               static_folder="static", static_url_path="/reports/static")

from web.reports import bulletin, calendar_feed, grading, register, units, views  # noqa: E402,F401

__all__ = ["bp"]
