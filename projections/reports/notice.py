"""The supervision notice 督办单 and its receipt 回执 on one A4 page, numbered per plan and year."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from projections import tables as t_
from projections.queries import Queries
from projections.reports.document import Column, Document, Section
from projections.reports.i18n import Lang
from projections.reports.papers import page_words, signature
from tracker.domain.item import WorkItem
from tracker.errors import N_, NotFoundError

Row = dict[str, Any]
ISSUED = WorkItem.NoticeIssued.__name__


def numbers(q: Queries, plan_key: str) -> dict[tuple[str, int], tuple[int, int]]:
    """(item id, its n-th notice) → (year, number within the plan and year), in issue order."""
    a = t_.audit.c
    query = sa.select(a.aggregate_id, a.at).where(
        a.plan_key == plan_key, a.aggregate_type == "WorkItem", a.event_type == ISSUED
    ).order_by(a.seq)
    out: dict[tuple[str, int], tuple[int, int]] = {}
    per_item: dict[str, int] = {}
    per_year: dict[int, int] = {}
    with q.rm.engine.connect() as conn:
        for item_id, at in conn.execute(query).all():
            year = at.year
            per_year[year] = per_year.get(year, 0) + 1
            n = per_item[item_id] = per_item.get(item_id, 0) + 1
            out[(item_id, n)] = (year, per_year[year])
    return out


def notice(q: Queries, item_id: str, n: int) -> Row:
    """The item's n-th notice (from 1) with its number, the card, and the people's names."""
    card = q.get_card(item_id)
    notices = (card or {}).get("notices") or []
    if card is None or not 1 <= n <= len(notices):
        raise NotFoundError(N_("There is no %(what)s %(key)s."), what="notice", key=n)
    year, number = numbers(q, card["plan_key"]).get((str(card["id"]), n), (0, n))
    people = q.directory().people_names
    return {"card": card, "notice": notices[n - 1], "year": year, "number": number,
            "by": people.get(notices[n - 1].get("by") or "", ""),
            "owner": people.get(card["owner"], card["owner"])}


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def notice_paper(t: Lang, found: Row) -> Document:
    """The notice and its receipt as one portrait A4 page."""
    card, n = found["card"], found["notice"]
    number = t(N_("Supervision No. %(year)s-%(number)s"), year=found["year"],
               number=found["number"])
    pair = [Column(t(N_("Field")), 10), Column(t(N_("Value")), 38)]
    body = Section(t(N_("Supervision notice")), pair, [
        [t(N_("Supervised item")), card["title"]], [t(N_("Lead unit")), card["lead_unit_name"]],
        [t(N_("Person responsible")), found["owner"]], [t(N_("Deadline")), t.date(card["due"])],
        [t(N_("Requirement")), n.get("requirement") or ""],
        [t(N_("Reply by")), t.date(_day(n.get("reply_by")))],
        [t(N_("Issued by")), found["by"]], [t(N_("Issued on")), t.date(_day(n.get("issued_on")))]])
    receipt = Section(t(N_("Receipt")), pair, [
        [t(N_("Acknowledged on")), t.date(_day(n.get("acknowledged_on")))],
        [t(N_("Reply")), n.get("reply") or ""],
        [t(N_("Answered on")), t.date(_day(n.get("answered_on")))]])
    return Document(lang=t.code, title=t(N_("Supervision notice")), subtitle=number,
                    sections=[body, receipt], provenance="", signature=signature(t),
                    page_words=page_words(t), landscape=False, name="notice")
