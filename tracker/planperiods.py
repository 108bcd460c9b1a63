"""Periods of recurring items: counted from the plan's start (plain `every`) or calendar
periods (`every` with `due_day`), each with its name in the plan's language."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import date, timedelta

MAX_COPIES = 400  # a recurring item makes at most this many items
DUE_DAYS = (1, 31)  # a due day is a day of the month
_CJK_RE = re.compile("[\u3400-\u9fff]")
EVERY_ZH = {"每周": (1, "week"), "每月": (1, "month"), "每季度": (3, "month"),
            "每半年": (6, "month"), "每年": (1, "year")}
_EVERY_RE = re.compile(r"([0-9]{1,4})\s*(day|week|month|year)s?", re.IGNORECASE)
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


def add_period(d: date, n: int, unit: str) -> date:
    """Return `d` moved forward by n units (months keep the day, clamped to the month's end)."""
    try:
        if unit in ("day", "week"):
            return d + timedelta(days=n * (7 if unit == "week" else 1))
        y, m = divmod(d.month - 1 + n * (12 if unit == "year" else 1), 12)
        year = d.year + y
        return date(year, m + 1, min(d.day, calendar.monthrange(year, m + 1)[1]))
    except (OverflowError, ValueError):
        return date.max


def periods(starts: date, ends: date, n: int, unit: str, limit: int) -> Iterator[tuple[date, date]]:
    """Yield (start, end) of each n-unit period from `starts` to `ends`, at most limit+1."""
    for k in range(limit + 1):
        begin = add_period(starts, k * n, unit)
        if begin > ends:
            return
        nxt = add_period(starts, (k + 1) * n, unit)
        yield begin, min(nxt - timedelta(days=1) if nxt != date.max else ends, ends)


def months_of(n: int, unit: str) -> int | None:
    """The period's length in months, or None for days and weeks."""
    return {"month": n, "year": 12 * n}.get(unit)


def calendar_periods(starts: date, ends: date, months: int,
                     limit: int) -> Iterator[tuple[date, date]]:
    """Calendar periods of `months` months (aligned to January when they divide the year)
    that overlap [starts, ends], at most limit+1."""
    first = starts.month - 1 if 12 % months else (starts.month - 1) // months * months
    index = starts.year * 12 + first
    for _ in range(limit + 1):
        begin = date(index // 12, index % 12 + 1, 1)
        if begin > ends:
            return
        last = index + months - 1
        end = date(last // 12, last % 12 + 1, calendar.monthrange(last // 12, last % 12 + 1)[1])
        yield begin, end
        index += months


def due_after(end: date, due_day: int) -> date:
    """Day `due_day` of the month after a period that ends on `end` (clamped to its length)."""
    nxt = end + timedelta(days=1)
    return date(nxt.year, nxt.month, min(due_day, calendar.monthrange(nxt.year, nxt.month)[1]))


def period_name(begin: date, end: date, language: str) -> str:
    """'2026年10月', '2026年第3季度', '2026年下半年', '2026年' (or 'October 2026', 'Q3 2026',
    'H2 2026', '2026'); other spans name their first and last months."""
    months = (end.year - begin.year) * 12 + end.month - begin.month + 1
    zh = language == "zh"
    y, m = begin.year, begin.month
    if months == 1:
        return f"{y}年{m}月" if zh else f"{MONTHS_EN[m - 1]} {y}"
    if months == 3 and m % 3 == 1:
        return f"{y}年第{m // 3 + 1}季度" if zh else f"Q{m // 3 + 1} {y}"
    if months == 6 and m in (1, 7):
        half = ("上" if m == 1 else "下") if zh else ("1" if m == 1 else "2")
        return f"{y}年{half}半年" if zh else f"H{half} {y}"
    if months == 12 and m == 1:
        return f"{y}年" if zh else str(y)
    if zh:
        tail = f"{end.month}月" if end.year == y else f"{end.year}年{end.month}月"
        return f"{y}年{m}月—{tail}"
    return f"{MONTHS_EN[m - 1][:3]} {y} – {MONTHS_EN[end.month - 1][:3]} {end.year}"


def titled(title: str, label: str, language: str) -> str:
    """The title of one occurrence: '标题（2026年10月）' or 'Title (October 2026)'."""
    return f"{title}（{label}）" if language == "zh" else f"{title} ({label})"


def language_of(title: str) -> str:
    """The language a plan without one is written in: Chinese when its title is."""
    return "zh" if _CJK_RE.search(title or "") else "en"


def parse_every(text: str) -> tuple[int, str] | None:
    """'3 months', '2 weeks', '每季度' … as (count, unit); None when it is not a period."""
    if text in EVERY_ZH:
        return EVERY_ZH[text]
    m = _EVERY_RE.fullmatch(text)
    if m is None or int(m[1]) < 1:
        return None
    return int(m[1]), m[2].lower()


def due_day_fits(every: tuple[int, str], due_day: int) -> bool:
    """A due day goes with calendar periods, so only with periods of months or years."""
    return DUE_DAYS[0] <= due_day <= DUE_DAYS[1] and months_of(*every) is not None


def schedule(period: tuple[date, date], title: str, due: date, every: tuple[int, str],
             due_day: int | None, language: str, limit: int) -> list[tuple[str, date]] | None:
    """The (title, due) of each occurrence of a recurring item over the plan's period, the same
    for a plan file and the create form; None when there would be more than `limit`."""
    months = months_of(*every)
    if due_day is not None and months is not None:
        spans = list(calendar_periods(*period, months, limit))
    else:
        spans = list(periods(*period, *every, limit))
    if len(spans) > limit:
        return None
    out = []
    for k, (begin, end) in enumerate(spans, 1):
        if due_day is not None:
            out.append((titled(title, period_name(begin, end, language), language),
                        min(due_after(end, due_day), period[1])))
        else:
            out.append((f"{title}（{begin}—{end}）",
                        min(add_period(due, (k - 1) * every[0], every[1]), end)))
    return out
