"""Handovers 接手 / 移交: when an item changed hands, who handed it to whom on which day, and
the overdue days each side carries (lateness stays with whoever was late)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker.domain.status import Status
from tracker.errors import N_

Row = dict[str, Any]
HANDED_OVER, TOOK_OVER = "handed_over", "took_over"
DIRECTION_LABELS = {HANDED_OVER: N_("Handed over"), TOOK_OVER: N_("Took over")}


def overdue_days(due: date, lo: date, hi: date | None, today: date) -> int:
    """The days after ``due`` that fell in an ownership interval [lo, hi or today)."""
    return max(0, ((hi or today) - max(lo, due)).days)


def handovers(item: Row, today: date) -> list[Row]:
    """Each change of hands of the item (its ``spans``: [owner, from, until]), oldest first,
    with the overdue days of the owner before (``days_from``) and after (``days_to``)."""
    spans = item.get("spans") or []
    counted = item["status"] != Status.CANCELLED
    out = []
    for n in range(1, len(spans)):
        (old, lo, _), (new, on_text, hi) = spans[n - 1], spans[n]
        on = date.fromisoformat(on_text)
        since = date.min if n == 1 else date.fromisoformat(lo)  # the first owner from the start
        until = date.fromisoformat(hi) if hi else (
            item["completed_on"] if item["status"] == Status.DONE else None)
        out.append({"id": item["id"], "key": item["key"], "title": item["title"],
                    "plan_key": item["plan_key"], "from": old, "to": new, "on": on,
                    "days_from": overdue_days(item["due"], since, on, today) if counted else 0,
                    "days_to": overdue_days(item["due"], on, until, today) if counted else 0})
    return out


def add_handovers(entry_for: Any, names: dict[str, str], item: Row, today: date) -> None:
    """Put each handover of the item on both people's ledger entries (entry_for(key) gives
    the entry, or None for someone the ledger leaves out)."""
    for h in handovers(item, today):
        for key, direction, other in ((h["from"], HANDED_OVER, h["to"]),
                                      (h["to"], TOOK_OVER, h["from"])):
            entry = entry_for(key)
            if entry is not None:
                entry["handovers"].append({
                    **h, "direction": direction, "other": other,
                    "other_name": names.get(other, other), "from_name": names.get(h["from"],
                                                                                  h["from"]),
                    "to_name": names.get(h["to"], h["to"])})
