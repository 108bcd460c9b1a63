"""The pieces every paper shares: title block, provenance, signature block, page numbers."""

from __future__ import annotations

from typing import Any

from projections.reports.document import Document, Section
from projections.reports.i18n import Lang
from tracker.errors import N_

Row = dict[str, Any]


def plan_title(report: Row) -> str:
    """The plan's title (never its key)."""
    plan = report.get("plan") or {}
    return str(plan.get("title") or "")


def heading(t: Lang, report: Row, text: str) -> str:
    """A title with the organisation in front of it when the plan names one."""
    organisation = report.get("organisation") or ""
    return f"{organisation}{' ' if organisation and not t.zh else ''}{text}"


def subtitle(t: Lang, report: Row, *extra: str) -> str:
    """The line under the title: the plan's period, the day judged, and any filters."""
    plan = report.get("plan") or {}
    parts = []
    if plan.get("starts"):
        parts.append(t(N_("Plan period: %(starts)s – %(ends)s"), starts=t.date(plan["starts"]),
                       ends=t.date(plan["ends"])))
    parts.append(t(N_("Judged on %(day)s"), day=t.date(report["day"])))
    parts.extend(e for e in extra if e)
    return ("；" if t.zh else "; ").join(parts)


def provenance(t: Lang, report: Row) -> str:
    """Where the figures come from: the event number and the audit chain head."""
    src = report["source"]
    return t(N_("Built from event number %(seq)s of the record; audit chain head %(head)s "
                "(%(count)s events)."), seq=src["seq"], head=src["chain_head"],
             count=src["count"])


def signature(t: Lang) -> list[str]:
    """The signature and seal block: unit (seal), person in charge, date."""
    return [t(N_("Unit (seal):")), t(N_("Person in charge (signature):")), t(N_("Date:"))]


def page_words(t: Lang) -> tuple[str, str, str]:
    """The words around the page number and the page count (第 x 页 共 y 页)."""
    text = t(N_("Page {page} of {pages}"))
    before, _sep, rest = text.partition("{page}")
    middle, _sep, after = rest.partition("{pages}")
    return before, middle, after


def paper(t: Lang, report: Row, title: str, sections: list[Section], *, name: str,
          extra: str = "", signed: bool = True) -> Document:
    """A document with the shared title block, provenance, signature and page numbers."""
    return Document(lang=t.code, title=heading(t, report, title),
                    subtitle=subtitle(t, report, extra), sections=sections,
                    provenance=provenance(t, report), signature=signature(t) if signed else [],
                    page_words=page_words(t),
                    landscape=any(s.width > 60 for s in sections), name=name)
