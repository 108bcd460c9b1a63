"""The pickers' options: the chosen value(s), rendered by the server, and the matches of a
search (at most LIMIT), for the person and unit fields of every item form, and of the filters
and forms outside the item lifecycle that pick one person or unit (board, register, review,
leadership)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from projections.names import Directory
from tracker.domain.fields import Field
from tracker.domain.lifecycle import COMMANDS
from web.auth import login_required
from web.extensions import error_response
from web.items.create import CREATE
from web.items.ui import plan_info
from web.pickers import bp
from web.services import services

LIMIT = 20  # matches shown at once: type more to narrow
MAX_QUERY = 100  # characters of a search
MAX_CHOSEN = 200  # values a multiple choice may carry back


@dataclass(frozen=True)
class Picker:
    """How a field is picked: from people or units, one or several."""

    kind: str  # "people" | "units" | "items" (a plan's items: a new item's parent)
    multiple: bool = False


def picker_of(field: Field) -> Picker | None:
    """The picker a form field uses, if any (the one place that decides it)."""
    if field.type == "person":
        return Picker("people")
    if field.type == "unit":
        return Picker("units")
    if field.type == "list" and field.name == "units":
        return Picker("units", multiple=True)
    return None


def _fields() -> dict[str, Picker]:
    found: dict[str, Picker] = {}
    specs: list[tuple[Field, ...]] = [rule.fields for rule in COMMANDS.values()]
    for fields in (*specs, CREATE.fields):
        for field in fields:
            picker = picker_of(field)
            if picker is not None:
                assert found.setdefault(field.name, picker) == picker, field.name
    return found


# Fields outside the item lifecycle that pick one person or unit, by the name they submit:
# the board's, the register's and the audit's filters, the leadership editor, the review's
# nominations.
OTHER_FIELDS = {"owner": Picker("people"), "leader": Picker("people"),
                "person": Picker("people"), "unit": Picker("units"),
                "actor": Picker("people")}


def _all_fields() -> dict[str, Picker]:
    found = _fields()
    for name, picker in OTHER_FIELDS.items():
        assert found.setdefault(name, picker) == picker, name
    return found


FIELDS = _all_fields()  # every picked field by name: what the endpoint accepts


def _chosen(values: Iterable[str], picker: Picker, directory: Directory) -> list[Any]:
    """The chosen rows in the order given, unknown keys left out (the server names them)."""
    find = directory.person if picker.kind == "people" else directory.unit
    rows = [find(key) for key in dict.fromkeys(v for v in values if v)]
    return [row for row in rows if row is not None]


def options(name: str, picker: Picker, values: Sequence[str], text: str = "") -> dict[str, Any]:
    """What a picker's options show: the chosen rows first, then the matches of the text."""
    directory = services().queries.directory()
    chosen = _chosen(values, picker, directory)
    find = directory.find_people if picker.kind == "people" else directory.find_units
    matches, more = find(text, LIMIT + len(chosen))
    keys = {row["key"] for row in chosen}
    rest = [row for row in matches if row["key"] not in keys]
    return {"name": name, "picker": picker, "chosen": chosen, "matches": rest[:LIMIT],
            "more": more or len(rest) > LIMIT, "text": text.strip(),
            "chosen_matches": len(rest) < len(matches),  # the text found the chosen one
            "unit_names": directory.unit_names}


def field_options(field: Field, value: Any) -> dict[str, Any]:
    """A form field's options as the page first shows them, from its current value."""
    picker = picker_of(field)
    assert picker is not None, field.name
    if value is None:
        values: list[str] = []
    elif isinstance(value, str):
        values = [value]
    else:
        values = [str(v) for v in value]
    return {**options(field.name, picker, values), "required": field.required}


def named_options(name: str, value: str | None = None, text: str = "", *,
                  required: bool = False, is_filter: bool = False) -> dict[str, Any]:
    """A picker outside the item forms, by its field's name, from the chosen key and what was
    typed (a plain GET form sends its search box too). A filter offers "anyone" as its blank
    choice and lists matches only once something is typed, so a filter bar stays small."""
    o = options(name, FIELDS[name], [value] if value else [], text[:MAX_QUERY])
    if is_filter and not o["text"]:
        o = {**o, "matches": [], "more": False}
    return {**o, "required": required, "filter": is_filter}


def _bad(message: str) -> tuple[Response | str, int]:
    return error_response(400, "bad_request", message)


@bp.get("/pickers/<kind>")
@login_required
def search(kind: str) -> tuple[Response | str, int]:
    """The options of one picker for what was typed (htmx swaps them under the search box)."""
    if kind not in ("people", "units"):
        return error_response(404, "not_found", gettext("There is no such list."))
    name = request.args.get("field", "")
    picker = FIELDS.get(name)
    if picker is None or picker.kind != kind:
        return _bad(gettext("This list cannot be searched for that field."))
    # A filter's search box belongs to its GET form and is named after its field.
    text = request.args.get("q", request.args.get(f"{name}_q", ""))
    if len(text) > MAX_QUERY:
        return _bad(gettext("The search is too long: at most %(n)s characters.", n=MAX_QUERY))
    values = request.args.getlist(name)
    if len(values) > (MAX_CHOSEN if picker.multiple else 1):
        return _bad(gettext("Too many values were chosen for this field."))
    if request.args.get("filter") == "1":  # a filter offers "anyone", matches once typed
        context = named_options(name, values[0] if values else None, text, is_filter=True)
    else:
        required = request.args.get("optional") != "1"  # an optional field offers "nobody"
        context = {**options(name, picker, values, text), "required": required}
    return render_template("items/_picker_options.html", **context), 200


PARENT = Picker("items")


def parent_options(plan_key: str, value: str | None, text: str = "") -> dict[str, Any]:
    """The create form's parent picker: the chosen item first, then the plan's items whose
    title or key contains the text (at most LIMIT); "none" (a top-level item) is offered."""
    matches, chosen, more = services().queries.find_items(plan_key, text, LIMIT, value)
    rest = [row for row in matches if chosen is None or row["key"] != chosen["key"]]
    return {"name": "parent", "picker": PARENT, "chosen": [chosen] if chosen else [],
            "matches": rest, "more": more, "text": text.strip(), "unit_names": {},
            "required": False, "filter": False,
            "search_url": url_for("pickers.search_items", plan_key=plan_key)}


@bp.get("/pickers/items/<plan_key>")
@login_required
def search_items(plan_key: str) -> tuple[Response | str, int]:
    """A plan's items for the parent picker of its create form, for what was typed."""
    if plan_info(plan_key) is None:
        return error_response(404, "not_found", gettext("There is no plan %(key)s.", key=plan_key))
    text = request.args.get("q", "")
    if len(text) > MAX_QUERY:
        return _bad(gettext("The search is too long: at most %(n)s characters.", n=MAX_QUERY))
    values = request.args.getlist("parent")
    if len(values) > 1:
        return _bad(gettext("Too many values were chosen for this field."))
    context = parent_options(plan_key, values[0] if values else None, text)
    return render_template("items/_picker_options.html", **context), 200


@bp.app_context_processor
def picker_helpers() -> dict[str, Any]:
    """The item forms' field macro asks which fields are picked and what they show first;
    the other pickers (filters, leadership, nominations) ask by the field's name."""
    return {"picker_of": picker_of, "picker_options": field_options,
            "named_picker_options": named_options, "parent_options": parent_options}
