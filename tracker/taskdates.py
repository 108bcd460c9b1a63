"""Due dates as offices type them in task sheets: 2026年6月30日, 2026.6.30, 6月底, 第三季度末,
年底; a form not understood is refused by name."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_FULL = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*[日号]?(?:前|以前)?")
_YEAR_MONTH_END = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:底|末|份)?(?:前|以前)?")
_MONTH_DAY = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号](?:前|以前)?")
_MONTH_END = re.compile(r"(\d{1,2})\s*月\s*(?:底|末|份)(?:前|以前)?")
_QUARTER_END = re.compile(r"(?:(\d{4})\s*年\s*)?第?([一二三四1-4])\s*季度\s*(?:末|底)?(?:前|以前)?")
_YEAR_END = re.compile(r"(?:(\d{4})\s*年\s*)?(?:年底|年末|年内|全年|底前|年底前)")
_HALF = re.compile(r"(?:(\d{4})\s*年\s*)?(上|下)半年(?:末|底)?(?:前)?")
_ONGOING = ("长期坚持", "持续推进", "长期", "持续", "常态化推进")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_for(month: int, starts: date) -> int:
    """A month without a year: the first such month on or after the plan's start."""
    return starts.year if month >= starts.month else starts.year + 1


def parse_due(value: object, starts: date, ends: date) -> date | None:
    """The date a cell means, or None when its form is not understood (the caller names it)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = re.sub(r"\s+", "", str(value)).rstrip("。.")
    try:
        return _parse_text(text, starts, ends)
    except ValueError:  # 2026年2月30日 and the like
        return None


def _parse_text(text: str, starts: date, ends: date) -> date | None:
    if m := _FULL.fullmatch(text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if m := _YEAR_MONTH_END.fullmatch(text):
        return _month_end(int(m[1]), int(m[2]))
    if m := _MONTH_DAY.fullmatch(text):
        month = int(m[1])
        return date(_year_for(month, starts), month, int(m[2]))
    if m := _MONTH_END.fullmatch(text):
        month = int(m[1])
        return _month_end(_year_for(month, starts), month)
    if m := _QUARTER_END.fullmatch(text):
        month = 3 * _NUM[m[2]]
        return _month_end(int(m[1]) if m[1] else _year_for(month, starts), month)
    if m := _HALF.fullmatch(text):
        month = 6 if m[2] == "上" else 12
        return _month_end(int(m[1]) if m[1] else _year_for(month, starts), month)
    if m := _YEAR_END.fullmatch(text):
        return date(int(m[1]) if m[1] else ends.year, 12, 31)
    if text in _ONGOING:
        return ends
    return None
