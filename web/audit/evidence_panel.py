"""The item's evidence 佐证材料 as one list (files, links, text a completion gave), the
section showing it with the forms adding to it, and completions' citations by name."""

from __future__ import annotations

from typing import Any

from tracker.domain import WorkItem
from tracker.domain.item import CITED
from tracker.domain.status import Status
from tracker.errors import TrackerError
from tracker.evidence import parse_references
from tracker.permissions import allowed
from web.audit import bp
from web.audit.evidence import evidence_files, evidence_store, file_state
from web.auth import current_actor
from web.items.forms import plan_roles
from web.items.history import EVIDENCE_EVENTS, ItemHistory

# Commands offered in the evidence section rather than among the item's other actions.
EVIDENCE_COMMANDS = frozenset({"link-evidence"})


def evidence_entries(timeline: ItemHistory) -> list[dict[str, Any]]:
    """The item's evidence 佐证材料 as one list: files, links, and any text a completion gave
    as evidence before evidence was one notion (shown as it was written)."""
    store = evidence_store()
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    history = timeline.of_types(EVIDENCE_EVENTS)
    for f in evidence_files(history):
        cite = f"{CITED}{f['sha256']} {f['name']}"
        if cite not in seen:  # a cited file is listed once, where it was attached
            seen.add(cite)
            entries.append({**f, "kind": "file", "cite": cite, "description": f.get(
                "description", ""), "state": file_state(store.path(f["sha256"]), f["sha256"])})
    for e in history:
        data = e.get("data") or {}
        if e["event_type"] == WorkItem.EvidenceLinked.__name__ and data["url"] not in seen:
            seen.add(data["url"])
            entries.append({"kind": "link", "url": data["url"], "cite": data["url"],
                            "description": data.get("description", ""), "at": e["at"],
                            "actor": e["actor"]})
        elif e["event_type"] == WorkItem.CompletionSubmitted.__name__:
            for text in data.get("evidence") or []:
                if text not in seen and not parse_references([text]):
                    seen.add(text)
                    entries.append({"kind": "text", "text": text, "cite": text,
                                    "description": "", "at": e["at"], "actor": e["actor"],
                                    "link": is_link(text)})
    return sorted(entries, key=lambda x: x["at"])


def is_link(text: str) -> bool:
    """Whether a piece of evidence is a web address (shown as a link)."""
    return text.lower().startswith(("http://", "https://")) and not any(
        c.isspace() for c in text)


def cited(text: str) -> dict[str, Any]:
    """One piece of evidence a completion cites, as a reader sees it: a file by its name, a
    link as a link, anything else as written."""
    found = parse_references([text])
    if found:
        return {"kind": "file", "sha256": found[0][0], "name": found[0][1]}
    return {"kind": "link" if is_link(text) else "text", "text": text}


def evidence_adding(card: dict[str, Any]) -> dict[str, Any]:
    """What the forms adding evidence need: whether the user may, and what the store takes."""
    store = evidence_store()
    try:
        can_attach = card["status"] != Status.CANCELLED and allowed(current_actor(), "evidence",
                                                                card["owner"],
                                                                plan_roles(card["plan_key"]))
    except TrackerError:
        can_attach = False
    return {"can_attach": can_attach, "accept": ",".join(sorted(store.allowed)),
            "max_mb": round(store.max_bytes / 1024 / 1024, 1)}


def evidence_panel(history: ItemHistory, card: dict[str, Any]) -> dict[str, Any]:
    """What audit/_evidence.html shows: every piece of evidence, and the forms adding some."""
    entries = evidence_entries(history)
    return {"entries": entries, "files": [e for e in entries if e["kind"] == "file"],
            **evidence_adding(card)}


@bp.app_context_processor
def evidence_helpers() -> dict[str, Any]:
    """Lets items/_item.html include audit/_evidence.html and show citations by name."""
    return {"evidence_panel": evidence_panel, "evidence_adding": evidence_adding, "cited": cited,
            "evidence_commands": EVIDENCE_COMMANDS}
