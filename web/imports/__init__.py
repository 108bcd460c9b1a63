"""Import in the browser (admin): upload a plan file or a task sheet, see what it would create,
then confirm; nothing is written before the confirmation."""

from flask import Blueprint

bp = Blueprint("imports", __name__)

from web.imports import routes  # noqa: E402,F401  (registers the routes)
