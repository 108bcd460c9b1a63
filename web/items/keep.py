"""Whether the parts of an item page a command does not change by itself are still what the page
would show now (its actions, inline edits and evidence forms): then the answer to a command
replaces only the action that ran, the undo control and every form's version, rather than
rendering every action (and its pickers) and form again."""

from __future__ import annotations

import hashlib
from typing import Any

from flask_babel import get_locale

from tracker.domain.lifecycle import COMMANDS
from web.items.history import ItemHistory

Card = dict[str, Any]


def actions_key(actor: str, actions: list[str], card: Card, open_children: int,
                directory_version: int, history: ItemHistory,
                shown: tuple[Any, ...], can_edit: bool) -> str:
    """A digest of everything the kept parts show but the item's version and its undo
    control: which actions, the defaults their forms show, the open sub-items an acceptance
    asks about, the evidence a completion cites, the pickers' lists; the texts the inline edits
    show and whether the user may edit them; whether the user may attach evidence; the
    language, and (``shown``) an open form with a refusal or typed values."""
    from web.audit.evidence_panel import evidence_adding, evidence_entries  # (imports web.items)

    cites = any(f.name == "evidence" for name in actions for f in COMMANDS[name].fields)
    evidence = [tuple(e.get(k) for k in ("cite", "name", "url", "text", "description"))
                for e in evidence_entries(history)] if cites else []
    texts = (card["title"], card["deliverable"], card["description"],
             repr(card.get("pending_deliverable")), can_edit)
    facts = (actor, str(get_locale()), actions, card["id"], card["owner"], card["lead_unit"],
             list(card["units"] or ()), str(card["due"]), open_children, directory_version,
             evidence, shown, texts, evidence_adding(card)["can_attach"])
    return hashlib.blake2s(repr(facts).encode(), digest_size=12).hexdigest()


def kept(posted: str | None, context: dict[str, Any], ran: str | None = None) -> bool:
    """Whether the page that posted shows the actions, inline edits and evidence forms it
    would show now (a form without the key, from an older page or another client, gets them
    all again; so does an inline edit or an evidence form that ran, to come back closed)."""
    from web.audit.evidence_panel import EVIDENCE_COMMANDS  # (imports web.items)

    if ran is not None and (ran == "edit" or ran in EVIDENCE_COMMANDS):
        return False
    return bool(posted) and posted == context["actions_key"]
