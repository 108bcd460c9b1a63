"""A comment's text with its ``@name`` mentions as links to the people's pages (escaped)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from markupsafe import Markup, escape

from tracker.domain.mentions import MARK


def with_mentions(text: str | None, found: list[Any] | None, people: dict[str, str]) -> Markup:
    """The text, escaped, with each recorded mention ([words after the @, person's key]) shown
    as the person's current name linking to their page; anything else stays as typed."""
    text = text or ""
    out, pos = [], 0
    for word, key in found or []:
        at = text.find(MARK + word, pos)
        if at < 0:
            continue
        out.append(escape(text[pos:at]))
        name = people.get(key, word)
        out.append(Markup('<a class="mention" href="{}">@{}</a>').format(
            url_for("reports.person", person=key), name))
        pos = at + 1 + len(word)
    out.append(escape(text[pos:]))
    return Markup("").join(out)
