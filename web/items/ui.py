"""Helpers the board and item pages share: page-or-fragment rendering, the actor, and the
translated names (web.labels) for the templates."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from babel.dates import format_datetime
from flask import Blueprint, render_template
from flask_babel import get_locale
from htmx_flask import request as htmx_request
from markupsafe import Markup, escape

from tracker.domain.status import BOARD_COLUMNS, STATUSES
from tracker.permissions import Actor
from web.auth import current_actor
from web.items.mentions import with_mentions
from web.labels import (
    actor_label,
    actor_name,
    badges,
    command_label,
    due_history,
    event_label,
    field_label,
    in_capacity,
    light_label,
    status_label,
    with_open_children,
)
from web.services import services

COLUMNS = BOARD_COLUMNS


def wants_fragment() -> bool:
    """The one place that reads HX-*: an htmx swap gets a fragment, anything else a page."""
    hx = htmx_request.htmx
    return bool(hx) and not hx.history_restore_request and not hx.boosted


def current_url() -> str | None:
    """The browser's address when htmx sent the request (None for plain requests)."""
    return htmx_request.htmx.current_url if wants_fragment() else None


def render(page: str, fragment: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """The full page for a plain request, the fragment for an htmx request to the same URL."""
    return render_template(fragment if wants_fragment() else page, **context), status


def actor() -> Actor:
    """The signed-in user as the domain's actor."""
    return current_actor()


def plan_info(key: str) -> dict[str, Any] | None:
    """A plan with its goals and phases (without the progress figures)."""
    return services().queries.get_plan(key, with_progress=False)


def local_time(value: datetime | None) -> str:
    """A UTC instant shown in the tracker's time zone and the user's locale."""
    if value is None:
        return ""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return format_datetime(aware, "short", tzinfo=services().settings.timezone,
                           locale=get_locale())


def with_breaks(text: str | None) -> Markup:
    """User text shown with its line breaks: escaped first, then each newline becomes <br>
    (so no user text is ever marked safe as it is)."""
    lines = escape((text or "").replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    return Markup("<br>\n").join(lines)


def my_name() -> str:
    """The signed-in user as the top bar shows them: their person's name, else their role."""
    me = actor()
    people = services().queries.directory().people_names
    return actor_name(me.person or f"user:{me.login}", people)


def install(bp: Blueprint) -> None:
    """Make the label mappings and helpers available to every template."""
    bp.add_app_template_filter(local_time, "localtime")
    bp.add_app_template_filter(with_breaks, "with_breaks")

    @bp.app_context_processor
    def labels() -> dict[str, Any]:
        return {
            "status_label": status_label,
            "light_label": light_label,
            "command_label": command_label,
            "field_label": field_label,
            "event_label": event_label, "in_capacity": in_capacity,
            "with_open_children": with_open_children, "due_history": due_history,
            "card_badges": badges,
            "actor_label": actor_label,
            "board_columns": COLUMNS,
            "actor_name": actor_name,
            "my_name": my_name,
            "all_statuses": STATUSES,
            "with_mentions": with_mentions,
        }
