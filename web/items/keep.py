"""Whether the actions an item page shows are still what it would show now: then the answer to a
command replaces only the action that ran, the undo control and every form's version, rather
than rendering every action (and its pickers) again."""

from __future__ import annotations

import hashlib
from typing import Any

from flask_babel import get_locale

from tracker.domain.lifecycle import COMMANDS
from web.items.history import ItemHistory

Card = dict[str, Any]


def actions_key(actor: str, actions: list[str], card: Card, open_children: int,
                directory_version: int, history: ItemHistory,
                shown: tuple[Any, ...]) -> str:
    """A digest of everything the actions part shows but the item's version and its undo
    control: which actions, the defaults their forms show, the open sub-items an acceptance
    asks about, the evidence a completion cites, the pickers' lists, the language, and
    (``shown``) an open form with a refusal or typed values."""
    from web.audit.evidence_panel import evidence_entries  # web.audit imports this package

    cites = any(f.name == "evidence" for name in actions for f in COMMANDS[name].fields)
    evidence = [tuple(e.get(k) for k in ("cite", "name", "url", "text", "description"))
                for e in evidence_entries(history)] if cites else []
    facts = (actor, str(get_locale()), actions, card["id"], card["owner"], card["lead_unit"],
             list(card["units"] or ()), str(card["due"]), open_children, directory_version,
             evidence, shown)
    return hashlib.blake2s(repr(facts).encode(), digest_size=12).hexdigest()


def kept(posted: str | None, context: dict[str, Any]) -> bool:
    """Whether the page that posted shows the actions it would show now (a form without the
    key, from an older page or another client, gets every action again)."""
    return bool(posted) and posted == context["actions_key"]
